using System.Buffers.Binary;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The session's version: a counter every save increments, stored in the value as header field <see cref="Tag"/> of
/// format 3 (so SET stays one command) and carried in the session cookie. A copy of the session whose version is at
/// least the cookie's holds everything this browser was told is saved, so a local replica may serve it.
/// </summary>
/// <remarks>
/// The tag is even, so a release that does not know it keeps it and writes it back unchanged: such a release must be gone
/// before cookies carry versions (<see cref="RedisSessionOptions.VersionedCookies"/>). Tag 2 is left to the format
/// compatibility tests' imaginary future field.
/// </remarks>
internal static class SessionVersion
{
    internal const int Tag = 4;

    private const int Size = sizeof(long);

    /// <summary>The version in a session's header fields, or null when it has none (written before versions) or it is malformed.</summary>
    public static long? Read(IReadOnlyList<SessionField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var field = fields.FirstOrDefault(f => f.Tag == Tag);
        return field is { Value.Length: Size } && BinaryPrimitives.ReadInt64BigEndian(field.Value) is var version and >= 0
            ? version
            : null;
    }

    /// <summary>The fields with the version set to <paramref name="version"/> (added, or replacing the one there).</summary>
    public static IReadOnlyList<SessionField> With(IReadOnlyList<SessionField> fields, long version)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        var value = new byte[Size];
        BinaryPrimitives.WriteInt64BigEndian(value, version);
        return [.. fields.Where(f => f.Tag != Tag), new SessionField(Tag, value)];
    }

    /// <summary>
    /// Whether a copy of version <paramref name="stored"/> may answer a cookie of version <paramref name="cookie"/>: it
    /// holds that save or a later one. A copy without a version never may.
    /// </summary>
    public static bool Covers(long? stored, long cookie) => stored is { } version && version >= cookie;
}
