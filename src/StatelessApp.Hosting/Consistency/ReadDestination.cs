namespace StatelessApp.Hosting.Consistency;

/// <summary>Where a read went, and why: the tag of the reads metric.</summary>
public enum ReadDestination
{
    /// <summary>A standby (no token, or a standby that had replayed past it) in the instance's own region, or any
    /// standby when no regions are configured (Database:NodeRegions).</summary>
    Standby,

    /// <summary>The primary: the token was ahead of the chosen standby for longer than MaxWait (or ahead of every node).</summary>
    PrimaryBecauseToken,

    /// <summary>The primary: no standby was reachable, or every one lagged past MaxStandbyLag.</summary>
    PrimaryBecauseStandbyUnavailable,

    /// <summary>The primary: the endpoint, query or code asked for it.</summary>
    PrimaryForced,

    /// <summary>A standby in another region than the instance's: none of its own region was usable (or had replayed the
    /// token) and the primary is elsewhere too. The read crossed between regions.</summary>
    StandbyElsewhere,

    /// <summary>The primary, because it is in the instance's own region and no standby there was usable (or had
    /// replayed the token): closer than a standby elsewhere, and never behind.</summary>
    PrimaryInRegion,
}
