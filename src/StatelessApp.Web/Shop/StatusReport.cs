using StatelessApp.Hosting.RequestRates;

namespace StatelessApp.Web.Shop;

/// <summary>Which instance answered, the version it runs, and which servers it used: the shop's window onto the topology.</summary>
public sealed record StatusReport(
    string Region,
    string Instance,
    string Version,
    string? RedisEndpoint,
    DatabaseNodeStatus Writes,
    DatabaseNodeStatus Reads,
    ReadRoutingStatus ReadRouting,
    RequestRatesStatus RequestRates);

/// <summary>
/// Requests and errors per second of every region (all instances) over the last <see cref="WindowSeconds"/>;
/// <see cref="Regions"/> is null when they are unknown (Redis did not answer, or the rates are switched off).
/// </summary>
public sealed record RequestRatesStatus(double WindowSeconds, IReadOnlyList<RegionRequestRate>? Regions);

/// <summary>Read-your-writes at work on this instance: where reads went since it started, and what it knows of each node.</summary>
public sealed record ReadRoutingStatus(
    long StandbyReads,
    long PrimaryReadsBecauseToken,
    long PrimaryReadsBecauseStandbyUnavailable,
    long PrimaryReadsForced,
    double StandbyShare,
    long Waits,
    double MeanWaitMilliseconds,
    long TokensRefused,
    IReadOnlyList<NodeRoutingStatus> Nodes);

/// <summary>One PostgreSQL node as the standby monitor last saw it; <see cref="Problem"/> says why reads skip it.</summary>
public sealed record NodeRoutingStatus(string Endpoint, string Role, string Position, double LagMilliseconds, string? Problem);

/// <summary>The PostgreSQL node a connection landed on; <see cref="Error"/> is set when it could not be reached.</summary>
public sealed record DatabaseNodeStatus(string? Address, int? Port, bool? InRecovery, string? Error)
{
    public string Role => InRecovery switch
    {
        true => "standby",
        false => "primary",
        null => "unreachable",
    };
}
