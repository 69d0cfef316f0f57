namespace StatelessApp.TestKit.Telemetry;

/// <summary>One span as the dashboard's telemetry API returns it (OTLP JSON), with its resource's instance.</summary>
/// <param name="Kind">OTLP's span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.</param>
public sealed record TraceSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    string Scope,
    IReadOnlyDictionary<string, string> Resource,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
    public const int ClientKind = 3;

    /// <summary>The first of <paramref name="keys"/> the span has (semantic conventions renamed several attributes).</summary>
    public string? Attribute(params string[] keys) =>
        keys.Select(key => Attributes.TryGetValue(key, out var value) ? value : null).FirstOrDefault(value => value is not null);

    public override string ToString() =>
        $"{Resource.GetValueOrDefault("service.instance.id")} {Scope} \"{Name}\" kind {Kind} span {SpanId} parent {ParentSpanId ?? "-"}";
}
