namespace StatelessApp.Bench;

/// <summary>One scenario, entered through one region's proxy, with the sites 0 ms or the configured round trip apart.</summary>
public sealed record DistanceCell
{
    public required string Scenario { get; init; }

    public required string Request { get; init; }

    /// <summary>The region whose proxy the client entered through (and whose app instance served it).</summary>
    public required string Entry { get; init; }

    /// <summary>The round trip between regions a and b during the cell: 0 or the topology's SITE_RTT_A_B.</summary>
    public required double RoundTripMilliseconds { get; init; }

    public required int Requests { get; init; }

    /// <summary>Answers that were not 2xx, or that never came.</summary>
    public required int Errors { get; init; }

    /// <summary>Answers served by an instance of the other region (the proxy's preference failed; the cell would lie).</summary>
    public required int ServedElsewhere { get; init; }

    public required double P50Milliseconds { get; init; }

    public required double P99Milliseconds { get; init; }

    /// <summary>Per server with anything counted, Redis first, then PostgreSQL nodes by name.</summary>
    public required IReadOnlyList<ServerCount> Counts { get; init; }

    /// <summary>Redis commands and PostgreSQL statements per request on servers of the other region (statements may share a round trip).</summary>
    public double RemotePerRequest => Counts.Where(c => c.Remote).Sum(c => c.PerRequest);
}
