using System.Text;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The session as one compact binary value: a format byte, the entry count, then per entry the UTF-8 key and
/// the value bytes, each prefixed by its length as a 7-bit-encoded integer. No type names, no JSON overhead.
/// A session bound to an owner (<see cref="ISessionOwner"/>) has format byte 2 and the owner, length-prefixed UTF-8,
/// before the count.
/// </summary>
internal static class SessionSerializer
{
    internal const byte FormatVersion = 1;

    internal const byte OwnedFormatVersion = 2;

    /// <summary>Size of the header (format byte + a count of at most 5 bytes, an upper bound).</summary>
    internal const int HeaderSize = 1 + 5;

    public static int MeasureEntry(string key, int valueLength)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        return LengthPrefixSize(keyLength) + keyLength + LengthPrefixSize(valueLength) + valueLength;
    }

    /// <summary>What an owner adds to the serialized size.</summary>
    public static int MeasureOwner(string? owner) => owner is null ? 0 : MeasureEntry(owner, 0) - 1;

    public static byte[] Serialize(IReadOnlyDictionary<string, byte[]> values, string? owner = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(owner is null ? FormatVersion : OwnedFormatVersion);
            if (owner is not null)
            {
                var ownerBytes = Encoding.UTF8.GetBytes(owner);
                writer.Write7BitEncodedInt(ownerBytes.Length);
                writer.Write(ownerBytes);
            }

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
    public static Dictionary<string, byte[]> Deserialize(ReadOnlyMemory<byte> data) => Deserialize(data, out _);

    /// <inheritdoc cref="Deserialize(ReadOnlyMemory{byte})"/>
    /// <param name="data">The serialized session.</param>
    /// <param name="owner">The owner it was bound to, or null.</param>
    public static Dictionary<string, byte[]> Deserialize(ReadOnlyMemory<byte> data, out string? owner)
    {
        var span = data.Span;
        var position = 0;
        var version = span.Length == 0 ? (byte)0 : span[position++];
        if (version is not (FormatVersion or OwnedFormatVersion))
        {
            throw new FormatException("Unknown session format.");
        }

        owner = version == OwnedFormatVersion ? Encoding.UTF8.GetString(Take(span, ref position, ReadLength(span, ref position))) : null;

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
