using System.Globalization;

namespace StatelessApp.Stack.Topology;

/// <summary>
/// The round trip between each pair of sites (SITE_RTT_A_B, SITE_RTT_A_W, SITE_RTT_B_W in deploy/topology.env, whole
/// milliseconds): what deploy/local/site-delay gives every packet between two sites' processes, half of it each way
/// (docs/latency.md, "How distance is made"). Within a site the round trip is zero.
/// </summary>
public sealed record SiteDistances(TimeSpan AToB, TimeSpan AToWitness, TimeSpan BToWitness)
{
    /// <summary>The largest round trip the topology accepts (the site-delay rules' limit too).</summary>
    public const int MaximumMilliseconds = 10_000;

    /// <summary>Every round trip zero: the sites are as close as the machine makes them, and nothing is delayed.</summary>
    public bool IsZero => AToB == TimeSpan.Zero && AToWitness == TimeSpan.Zero && BToWitness == TimeSpan.Zero;

    /// <summary>The round trips as deploy/topology.env's keys (SITE_RTT_A_B=40 …), for the scripts that read them.</summary>
    public IReadOnlyDictionary<string, string> AsTopologyKeys() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SITE_RTT_A_B"] = Milliseconds(AToB),
        ["SITE_RTT_A_W"] = Milliseconds(AToWitness),
        ["SITE_RTT_B_W"] = Milliseconds(BToWitness),
    };

    /// <summary>The round trip between two sites ("a", "b", "w"), in either order.</summary>
    public TimeSpan RoundTrip(string first, string second) => string.CompareOrdinal(first, second) > 0 ? RoundTrip(second, first) : (first, second) switch
    {
        var (x, y) when x == y => TimeSpan.Zero,
        ("a", "b") => AToB,
        ("a", StackTopology.WitnessRegion) => AToWitness,
        ("b", StackTopology.WitnessRegion) => BToWitness,
        _ => throw new ArgumentException($"no site pair {first}-{second} (the sites are a, b and {StackTopology.WitnessRegion})", nameof(first)),
    };

    private static string Milliseconds(TimeSpan roundTrip) => ((long)roundTrip.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
