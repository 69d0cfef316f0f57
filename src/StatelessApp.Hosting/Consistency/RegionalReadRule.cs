using NpgsqlTypes;

namespace StatelessApp.Hosting.Consistency;

/// <summary>
/// Where a read goes, decided from what is known NOW (the roles and positions the <see cref="StandbyMonitor"/> last
/// saw), so it follows the primary through a failover. In order: a usable standby in the instance's own region (one
/// that has replayed the token, if there is one); else the primary, if it is in the instance's own region (it always
/// satisfies a token: no wait); else any usable standby as without regions (token rules unchanged; own-region
/// standbys first); else the primary. With no regions configured no standby is "own" and no primary is "in region":
/// the rule is exactly the region-less one.
/// </summary>
internal static class RegionalReadRule
{
    /// <param name="instanceRegion">Instance:Region; null or empty: regions are ignored.</param>
    /// <param name="primaryRegion">Region of the node last seen as primary; null when unknown.</param>
    /// <param name="usable">Standbys reads may use, in connection-string order.</param>
    /// <param name="token">The position the read must see; null: any standby will do.</param>
    /// <param name="mayWait">False for synchronous calls and after a wait in vain in this request.</param>
    /// <param name="turn">A number that changes per read: spreads token-less reads over the eligible standbys.</param>
    public static ReadDecision Decide(
        string? instanceRegion, string? primaryRegion, IReadOnlyList<ReadCandidate> usable,
        NpgsqlLogSequenceNumber? token, bool mayWait, uint turn)
    {
        bool Own(string? region) => !string.IsNullOrEmpty(instanceRegion) && string.Equals(region, instanceRegion, StringComparison.Ordinal);
        ReadDestination StandbyDestination(int index) =>
            string.IsNullOrEmpty(instanceRegion) || usable[index].Region is null || Own(usable[index].Region)
                ? ReadDestination.Standby
                : ReadDestination.StandbyElsewhere;

        var own = Enumerable.Range(0, usable.Count).Where(i => Own(usable[i].Region)).ToList();
        // Own-region standbys first, then the others, each in connection-string order.
        var preferred = own.Concat(Enumerable.Range(0, usable.Count).Except(own)).ToList();

        if (token is not { } required)
        {
            if (own.Count > 0)
            {
                return new ReadDecision(ReadDestination.Standby, own[(int)(turn % (uint)own.Count)]);
            }

            if (Own(primaryRegion))
            {
                return new ReadDecision(ReadDestination.PrimaryInRegion);
            }

            if (usable.Count == 0)
            {
                return new ReadDecision(ReadDestination.PrimaryBecauseStandbyUnavailable);
            }

            var any = (int)(turn % (uint)usable.Count);
            return new ReadDecision(StandbyDestination(any), any);
        }

        if (own.FirstOrDefault(i => usable[i].Position >= required, -1) is var ownReady and >= 0)
        {
            return new ReadDecision(ReadDestination.Standby, ownReady);
        }

        if (Own(primaryRegion))
        {
            return new ReadDecision(ReadDestination.PrimaryInRegion);
        }

        if (usable.Count == 0)
        {
            return new ReadDecision(ReadDestination.PrimaryBecauseStandbyUnavailable);
        }

        if (preferred.FirstOrDefault(i => usable[i].Position >= required, -1) is var ready and >= 0)
        {
            return new ReadDecision(StandbyDestination(ready), ready);
        }

        if (!mayWait)
        {
            return new ReadDecision(ReadDestination.PrimaryBecauseToken);
        }

        // The most advanced standby of the instance's own region if it has one: waiting a few milliseconds there
        // costs less than a round trip to another region.
        var pool = own.Count > 0 ? own : preferred;
        var candidate = pool.MaxBy(i => usable[i].Position);
        return new ReadDecision(StandbyDestination(candidate), candidate, Wait: true);
    }
}
