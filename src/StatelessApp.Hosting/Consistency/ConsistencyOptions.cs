using System.Security.Claims;

namespace StatelessApp.Hosting.Consistency;

/// <summary>Settings of read-your-writes over standbys, section <c>Consistency</c>, validated at start-up.</summary>
public sealed class ConsistencyOptions
{
    public const string SectionName = "Consistency";

    /// <summary>
    /// How long a read that carries a token may wait for the chosen standby to replay up to it before it goes to the
    /// primary. Small: waiting longer than a primary round trip rarely pays.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a standby's observed replay position is trusted before a token above it makes us ask again. Also the
    /// polling step while waiting. Concurrent requests share one query per standby per step.
    /// </summary>
    public TimeSpan PositionCacheTime { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How often every node is probed (role, position) in the background: finds down and lagging standbys.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long one probe (connect and query) may take before the node counts as unreachable: a node that does not answer
    /// (a partition, a hung server) must not keep a shared refresh, and the reads waiting on it, hanging.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A standby further behind the primary than this is skipped for everyone until it catches up.</summary>
    public TimeSpan MaxStandbyLag { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The claim that names the user a header token is bound to (a token is refused for anyone else).</summary>
    public string UserIdClaim { get; set; } = ClaimTypes.NameIdentifier;
}
