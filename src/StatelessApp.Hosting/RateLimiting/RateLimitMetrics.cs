using System.Diagnostics.Metrics;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// Meter <c>StatelessApp.RateLimiting</c>: <c>statelessapp.ratelimiting.refusals</c> (counter), requests and sign-in
/// attempts refused, tags <c>limit</c> (the setting's name under <c>RateLimits</c>: Client, User, SignInPerClient,
/// SignInPerAccount) and <c>reason</c> (over: the limit was reached; unavailable: Redis did not answer and the sign-in
/// throttle fails closed); <c>statelessapp.ratelimiting.unchecked</c> (counter), requests let through uncounted because
/// Redis did not answer (the request limits fail open; for a request the tally granted, counted when its hit fails).
/// </summary>
public sealed class RateLimitMetrics
{
    public const string MeterName = "StatelessApp.RateLimiting";

    public const string Over = "over";
    public const string Unavailable = "unavailable";

    private readonly Counter<long> _refusals;
    private readonly Counter<long> _unchecked;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _refusals = meter.CreateCounter<long>("statelessapp.ratelimiting.refusals", unit: "{request}",
            description: "Requests and sign-in attempts refused, by limit and reason");
        _unchecked = meter.CreateCounter<long>("statelessapp.ratelimiting.unchecked", unit: "{request}",
            description: "Requests let through uncounted while Redis did not answer (fail open)");
    }

    internal void RecordRefusal(string limit, string reason) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("limit", limit), new KeyValuePair<string, object?>("reason", reason));

    internal void RecordUnchecked() => _unchecked.Add(1);
}
