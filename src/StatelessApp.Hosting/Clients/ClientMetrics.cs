using System.Diagnostics.Metrics;
using StatelessApp.Hosting.Metrics;

namespace StatelessApp.Hosting.Clients;

/// <summary>
/// Meter <c>StatelessApp.Clients</c>, what the failover clients (<c>AddFailoverHandler</c>) see, each tagged <c>client</c>
/// (the HttpClient's name): <c>statelessapp.clients.retries</c> (counter, tag <c>reason</c>: connection, 502, 503, 504),
/// requests repeated; <c>statelessapp.clients.connect_failures</c> (counter, tag <c>outcome</c>: timeout, error), addresses
/// that did not accept a connection; <c>statelessapp.clients.failovers</c> (counter), connections that succeeded on
/// another address after the first one tried failed: the service's other region took over.
/// </summary>
public sealed class ClientMetrics
{
    public const string MeterName = "StatelessApp.Clients";

    private readonly Counter<long> _retries;
    private readonly Counter<long> _connectFailures;
    private readonly Counter<long> _failovers;

    public ClientMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _retries = meter.CreateCounter<long>("statelessapp.clients.retries", unit: "{retry}",
            description: "Requests repeated after a connection failure or a 502/503/504");
        _connectFailures = meter.CreateCounter<long>("statelessapp.clients.connect_failures", unit: "{connection}",
            description: "Addresses that did not accept a connection in time (timeout) or refused it (error)");
        _failovers = meter.CreateCounter<long>("statelessapp.clients.failovers", unit: "{connection}",
            description: "Connections made to another address after the preferred one failed");
    }

    internal void RecordRetry(string client, string reason) =>
        _retries.Add(1, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>("reason", reason));

    internal void RecordConnectFailure(string client, string outcome) =>
        _connectFailures.Add(1, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>(MetricOutcome.Tag, outcome));

    internal void RecordFailover(string client) =>
        _failovers.Add(1, new KeyValuePair<string, object?>("client", client));
}
