using System.Text;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The session as one compact binary value: a format byte, the entry count, then per entry the UTF-8 key and
/// the value bytes, each prefixed by its length as a 7-bit-encoded integer. No type names, no JSON overhead.
/// </summary>
internal static class SessionSerializer
{
    internal const byte FormatVersion = 1;

    /// <summary>Size of the header (format byte + a count of at most 5 bytes, an upper bound).</summary>
    internal const int HeaderSize = 1 + 5;

    public static int MeasureEntry(string key, int valueLength)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        return LengthPrefixSize(keyLength) + keyLength + LengthPrefixSize(valueLength) + valueLength;
    }

    public static byte[] Serialize(IReadOnlyDictionary<string, byte[]> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write7BitEncodedInt(values.Count);
            foreach (var (key, value) in values)
            {
                var keyBytes = Encoding.UTF8.GetBytes(key);
                writer.Write7BitEncodedInt(keyBytes.Length);
                writer.Write(keyBytes);
                writer.Write7BitEncodedInt(value.Length);
                writer.Write(value);
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a session of this format (corrupt or foreign data).</exception>
    public static Dictionary<string, byte[]> Deserialize(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        var position = 0;
        if (span.Length == 0 || span[position++] != FormatVersion)
        {
            throw new FormatException("Unknown session format.");
        }

        var count = ReadLength(span, ref position);
        var values = new Dictionary<string, byte[]>(Math.Min(count, 256), StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var keyLength = ReadLength(span, ref position);
            var key = Encoding.UTF8.GetString(Take(span, ref position, keyLength));
            var valueLength = ReadLength(span, ref position);
            values[key] = Take(span, ref position, valueLength).ToArray();
        }

        if (position != span.Length)
        {
            throw new FormatException("Trailing bytes after the last session entry.");
        }

        return values;
    }

    private static int LengthPrefixSize(int length)
    {
        var size = 1;
        while ((length >>= 7) != 0)
        {
            size++;
        }

        return size;
    }

    private static int ReadLength(ReadOnlySpan<byte> span, ref int position)
    {
        var result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= span.Length)
            {
                throw new FormatException("Session data ends inside a length prefix.");
            }

            var current = span[position++];
            result |= (current & 0x7F) << shift;
            if ((current & 0x80) == 0)
            {
                return result >= 0 ? result : throw new FormatException("Negative length in session data.");
            }
        }

        throw new FormatException("Length prefix longer than 5 bytes in session data.");
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, ref int position, int length)
    {
        if (length > span.Length - position)
        {
            throw new FormatException("Session data is truncated.");
        }

        var slice = span.Slice(position, length);
        position += length;
        return slice;
    }
}
