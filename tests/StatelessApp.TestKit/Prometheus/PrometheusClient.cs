using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace StatelessApp.TestKit.Prometheus;

/// <summary>
/// The few questions the tests ask a Prometheus over its HTTP API (<paramref name="baseAddress"/>, e.g.
/// http://127.203.0.90:9090/): which alerts fired over a window, which fire now, and whether the rules have been
/// evaluated since a given moment (so a window's end is in the data before it is read).
/// </summary>
public sealed class PrometheusClient(Uri baseAddress) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public Uri BaseAddress => baseAddress;

    /// <summary>Every alert that fired in [<paramref name="from"/>, <paramref name="to"/>], sampled every <paramref name="step"/>.</summary>
    public async Task<IReadOnlyList<AlertSpan>> FiringAlertsAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step,
        CancellationToken cancellationToken = default)
    {
        var query = Uri.EscapeDataString("ALERTS{alertstate=\"firing\"}");
        var answer = await GetAsync(
            $"api/v1/query_range?query={query}&start={Unix(from)}&end={Unix(to)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}",
            cancellationToken);
        return PrometheusResponses.FiringSpans(answer, step);
    }

    /// <summary>The labels of the alerts firing now (pending ones left out).</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> FiringNowAsync(CancellationToken cancellationToken = default) =>
        PrometheusResponses.Alerts(await GetAsync("api/v1/alerts", cancellationToken), "firing");

    /// <summary>The labels of the alerts firing or pending now (pending: the condition holds, its <c>for:</c> has not passed yet).</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> ActiveNowAsync(CancellationToken cancellationToken = default)
    {
        var answer = await GetAsync("api/v1/alerts", cancellationToken);
        return [.. PrometheusResponses.Alerts(answer, "firing"), .. PrometheusResponses.Alerts(answer, "pending")];
    }

    /// <summary>When every rule group had last been evaluated (the oldest group's last evaluation); null before the first one.</summary>
    public async Task<DateTimeOffset?> RulesEvaluatedAtAsync(CancellationToken cancellationToken = default) =>
        PrometheusResponses.OldestRuleEvaluation(await GetAsync("api/v1/rules", cancellationToken));

    /// <summary>Whether it has started and loaded its configuration (<c>/-/ready</c> answers 200).</summary>
    public async Task<bool> ReadyAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var response = await _http.GetAsync("-/ready", timeout.Token);
        return response.IsSuccessStatusCode;
    }

    private async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            // Prometheus answers errors (bad query: 400, 422) with the same JSON envelope: read it whatever the status.
            using var response = await _http.GetAsync(path, timeout.Token);
            return await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Prometheus at {baseAddress} did not answer {path} within {RequestTimeout.TotalSeconds:0} s");
        }
    }

    private static string Unix(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    public void Dispose() => _http.Dispose();
}
