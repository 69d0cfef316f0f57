using System.Text;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The session as one compact binary value: a format byte, the entry count, then per entry the UTF-8 key and the
/// value bytes, each prefixed by its length as a 7-bit-encoded integer. No type names, no JSON overhead.
/// <list type="bullet">
/// <item>Format 1: no header fields (an anonymous session).</item>
/// <item>Format 2: the owner (<see cref="ISessionOwner"/>), length-prefixed UTF-8, before the count.</item>
/// <item>Format 3, the extensible one: a count of header fields, each a tag, a length and that many bytes, before the
/// entry count. Tag 1 is the owner. A reader skips a field it does not know when its tag is even (and keeps it, so
/// the field survives this release rewriting the session) and refuses the session when it is odd (the writer marked it
/// "must be understood").</item>
/// </list>
/// </summary>
/// <remarks>
/// Old and new instances serve the same shopper during a rolling upgrade, so a release writes only what the release
/// before it reads: format 1 or 2 unless the session carries fields of format 3 (docs/operations.md, "Session format
/// across versions"). The format byte never grows past 3: new information goes into header fields.
/// </remarks>
internal static class SessionSerializer
{
    internal const byte FormatVersion = 1;

    internal const byte OwnedFormatVersion = 2;

    internal const byte FieldsFormatVersion = 3;

    /// <summary>The header field holding the owner in format 3.</summary>
    internal const int OwnerTag = 1;

    /// <summary>Size of the header (format byte + a count of at most 5 bytes, an upper bound).</summary>
    internal const int HeaderSize = 1 + 5;

    public static int MeasureEntry(string key, int valueLength)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        return LengthPrefixSize(keyLength) + keyLength + LengthPrefixSize(valueLength) + valueLength;
    }

    /// <summary>What an owner adds to the serialized size in format 2.</summary>
    public static int MeasureOwner(string? owner) => owner is null ? 0 : MeasureEntry(owner, 0) - 1;

    /// <summary>What header fields add to the serialized size on top of <see cref="MeasureOwner"/> (format 3 instead of 2).</summary>
    public static int MeasureFields(string? owner, IReadOnlyList<SessionField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            return 0;
        }

        var count = fields.Count + (owner is null ? 0 : 1);
        return LengthPrefixSize(count) + (owner is null ? 0 : LengthPrefixSize(OwnerTag))
            + fields.Sum(field => LengthPrefixSize(field.Tag) + LengthPrefixSize(field.Value.Length) + field.Value.Length);
    }

    public static byte[] Serialize(IReadOnlyDictionary<string, byte[]> values, string? owner = null, IReadOnlyList<SessionField>? fields = null)
    {
        fields ??= [];
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            if (fields.Count > 0)
            {
                writer.Write(FieldsFormatVersion);
                writer.Write7BitEncodedInt(fields.Count + (owner is null ? 0 : 1));
                if (owner is not null)
                {
                    WriteField(writer, OwnerTag, Encoding.UTF8.GetBytes(owner));
                }

                foreach (var field in fields)
                {
                    WriteField(writer, field.Tag, field.Value);
                }
            }
            else
            {
                writer.Write(owner is null ? FormatVersion : OwnedFormatVersion);
                if (owner is not null)
                {
                    var ownerBytes = Encoding.UTF8.GetBytes(owner);
                    writer.Write7BitEncodedInt(ownerBytes.Length);
                    writer.Write(ownerBytes);
                }
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

    /// <exception cref="FormatException">The bytes are not a session of a format this release reads (corrupt or foreign data).</exception>
    public static Dictionary<string, byte[]> Deserialize(ReadOnlyMemory<byte> data) => Deserialize(data, out _, out _);

    /// <inheritdoc cref="Deserialize(ReadOnlyMemory{byte})"/>
    /// <param name="data">The serialized session.</param>
    /// <param name="owner">The owner it was bound to, or null.</param>
    public static Dictionary<string, byte[]> Deserialize(ReadOnlyMemory<byte> data, out string? owner) => Deserialize(data, out owner, out _);

    /// <inheritdoc cref="Deserialize(ReadOnlyMemory{byte}, out string?)"/>
    /// <param name="data">The serialized session.</param>
    /// <param name="owner">The owner it was bound to, or null.</param>
    /// <param name="fields">The header fields this release does not know (even tags), in order, to be written back as they came.</param>
    public static Dictionary<string, byte[]> Deserialize(ReadOnlyMemory<byte> data, out string? owner, out IReadOnlyList<SessionField> fields)
    {
        var span = data.Span;
        var position = 0;
        var version = span.Length == 0 ? (byte)0 : span[position++];
        owner = null;
        fields = [];
        switch (version)
        {
            case FormatVersion:
                break;
            case OwnedFormatVersion:
                owner = Encoding.UTF8.GetString(Take(span, ref position, ReadLength(span, ref position)));
                break;
            case FieldsFormatVersion:
                fields = ReadFields(span, ref position, out owner);
                break;
            default:
                throw new FormatException($"Unknown session format {version}.");
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

    private static List<SessionField> ReadFields(ReadOnlySpan<byte> span, ref int position, out string? owner)
    {
        owner = null;
        var count = ReadLength(span, ref position);
        var unknown = new List<SessionField>();
        for (var i = 0; i < count; i++)
        {
            var tag = ReadLength(span, ref position);
            var value = Take(span, ref position, ReadLength(span, ref position));
            if (tag == OwnerTag)
            {
                owner = owner is null ? Encoding.UTF8.GetString(value) : throw new FormatException("Two owners in one session.");
            }
            else if (SessionField.MustBeUnderstood(tag))
            {
                throw new FormatException($"Session header field {tag} must be understood, and this release does not know it.");
            }
            else
            {
                unknown.Add(new SessionField(tag, value.ToArray()));
            }
        }

        return unknown;
    }

    private static void WriteField(BinaryWriter writer, int tag, byte[] value)
    {
        writer.Write7BitEncodedInt(tag);
        writer.Write7BitEncodedInt(value.Length);
        writer.Write(value);
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
