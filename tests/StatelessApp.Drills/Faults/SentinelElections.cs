using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Faults;

/// <summary>
/// Sentinel elections that ended without a leader, counted in the Sentinels' logs. Two Sentinels that start an election
/// in the same moment each vote for themselves and neither wins; each then waits twice its failover-timeout
/// (deploy/redis/sentinel.conf) before it tries again, so that failover promotes a replica about 6 s later than usual
/// (docs/failover.md). Seen at distance, in region A's loss, where only two Sentinels are left to vote. Each site's
/// timeout differs (deploy/lib/failure-timeouts.sh), so the retries never meet again: one split is all a drill allows.
/// </summary>
internal static class SentinelElections
{
    /// <summary>What a Sentinel logs when its election gave it no majority.</summary>
    private const string NotElected = "-failover-abort-not-elected";

    /// <summary>The pause before the next election: 2 × the witness's 3 s failover-timeout (it survives either region's loss, and retries first).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(6);

    /// <summary>Elections without a leader each Sentinel of the stack has logged so far.</summary>
    public static IReadOnlyDictionary<string, int> NotElectedSoFar(DrillStackFixture stack) =>
        NodeLogs.CountSoFar(stack, NodeKind.Sentinel, NotElected);

    /// <summary>Did any Sentinel log an election without a leader since <paramref name="before"/> was counted?</summary>
    public static bool AnySince(DrillStackFixture stack, IReadOnlyDictionary<string, int> before) =>
        NodeLogs.AnySince(stack, NodeKind.Sentinel, NotElected, before);
}
