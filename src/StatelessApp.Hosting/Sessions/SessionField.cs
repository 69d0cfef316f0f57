namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// A header field of session format 3 that this release does not know: written by a newer release, kept unread and
/// written back unchanged, so an older instance touching the session does not strip what a newer one stored.
/// </summary>
/// <param name="Tag">Even: may be skipped by readers that do not know it. Odd tags must be understood (see <see cref="MustBeUnderstood"/>).</param>
/// <param name="Value">The field's bytes, opaque here.</param>
internal sealed record SessionField(int Tag, byte[] Value)
{
    /// <summary>Odd tags (and 0, reserved) make a reader that does not know them refuse the session instead of misreading it.</summary>
    public static bool MustBeUnderstood(int tag) => tag % 2 == 1 || tag == 0;
}
