namespace StatelessApp.Hosting.Consistency;

/// <summary>Where a read went, and why: the tag of the reads metric.</summary>
public enum ReadDestination
{
    /// <summary>A standby (no token, or a standby that had replayed past it).</summary>
    Standby,

    /// <summary>The primary: the token was ahead of the chosen standby for longer than MaxWait (or ahead of every node).</summary>
    PrimaryBecauseToken,

    /// <summary>The primary: no standby was reachable, or every one lagged past MaxStandbyLag.</summary>
    PrimaryBecauseStandbyUnavailable,

    /// <summary>The primary: the endpoint, query or code asked for it.</summary>
    PrimaryForced,
}
