using System.Globalization;
using System.Net;
using System.Text.Json;

namespace StatelessApp.TestKit.Telemetry;

/// <summary>
/// Reads the Aspire dashboard's HTTP telemetry API (<c>/api/telemetry/…</c>, OTLP JSON), which the stack's dashboard
/// serves without a key (local only).
/// </summary>
public sealed class DashboardClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Every span of the trace the dashboard has received so far; empty when it knows none.</summary>
    public async Task<IReadOnlyList<TraceSpan>> TraceAsync(string traceId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync($"api/telemetry/traces/{Uri.EscapeDataString(traceId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return Spans(json.RootElement);
    }

    /// <summary>The spans of an OTLP JSON answer (<c>{"data":{"resourceSpans":[…]}}</c>).</summary>
    public static IReadOnlyList<TraceSpan> Spans(JsonElement answer)
    {
        var spans = new List<TraceSpan>();
        if (!answer.TryGetProperty("data", out var data) || !data.TryGetProperty("resourceSpans", out var resourceSpans))
        {
            return spans;
        }

        foreach (var resourceSpan in resourceSpans.EnumerateArray())
        {
            var resource = resourceSpan.TryGetProperty("resource", out var r) ? Attributes(r) : new Dictionary<string, string>();
            foreach (var scopeSpan in resourceSpan.GetProperty("scopeSpans").EnumerateArray())
            {
                var scope = scopeSpan.TryGetProperty("scope", out var s) && s.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "";
                foreach (var span in scopeSpan.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new TraceSpan(
                        span.GetProperty("traceId").GetString() ?? "",
                        span.GetProperty("spanId").GetString() ?? "",
                        span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } parentId ? parentId : null,
                        span.GetProperty("name").GetString() ?? "",
                        span.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.Number ? kind.GetInt32() : 0,
                        scope,
                        resource,
                        Attributes(span)));
                }
            }
        }

        return spans;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>An OTLP attribute list as text: strings as they are, numbers and booleans in invariant form.</summary>
    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!owner.TryGetProperty("attributes", out var list))
        {
            return attributes;
        }

        foreach (var attribute in list.EnumerateArray())
        {
            var value = attribute.GetProperty("value");
            attributes[attribute.GetProperty("key").GetString() ?? ""] = value.EnumerateObject().FirstOrDefault() is { Value: var v } && v.ValueKind != JsonValueKind.Undefined
                ? v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : Convert.ToString(v.GetRawText(), CultureInfo.InvariantCulture)
                : "";
        }

        return attributes;
    }
}
