namespace StatelessApp.Hosting.Health;

/// <summary>
/// `dotnet App.dll healthcheck`: asks the running instance's own /health/live and exits 0 (answered 200) or 1.
/// It exists for container health checks: the .NET runtime images (chiseled ones above all) carry no curl, wget
/// or shell, but they always carry `dotnet`. It runs before the host is built, so it needs no configuration, opens
/// no Redis or PostgreSQL connection and cannot disturb the instance it probes.
/// </summary>
public static class LivenessProbe
{
    public const string Verb = "healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static readonly string[] Wildcards = ["[::]", "0.0.0.0", "+", "*"];

    /// <summary>
    /// Probes the instance's listen address: the first of ASPNETCORE_URLS, else the first of ASPNETCORE_HTTP_PORTS
    /// (the runtime image's default, 8080). Prints one line.
    /// </summary>
    public static Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(output, Environment.GetEnvironmentVariable("ASPNETCORE_URLS"), Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"), cancellationToken);

    /// <summary>The same, for the given values of ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS.</summary>
    internal static async Task<int> RunAsync(TextWriter output, string? urls, string? ports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(urls) && !string.IsNullOrWhiteSpace(ports))
        {
            urls = "http://127.0.0.1:" + ports.Split([',', ';'], StringSplitOptions.TrimEntries)[0];
        }

        var target = LiveUri(urls);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var client = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            using var response = await client.GetAsync(target, timeout.Token);
            await output.WriteLineAsync($"{target}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException e)
        {
            await output.WriteLineAsync($"{target}: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"{target}: no answer within {Timeout.TotalSeconds:0} s");
            return 1;
        }
    }

    /// <summary>
    /// The /health/live address for a listen-URL list: its first URL, with a wildcard host (+, *, 0.0.0.0, [::])
    /// replaced by loopback, because a wildcard is where to listen, not where to connect. Default: Kestrel's own.
    /// </summary>
    public static Uri LiveUri(string? listenUrls)
    {
        var first = (listenUrls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? "http://localhost:5000";
        foreach (var wildcard in Wildcards)
        {
            first = first.Replace("://" + wildcard, "://127.0.0.1", StringComparison.Ordinal);
        }

        return new Uri(new Uri(first.TrimEnd('/') + "/"), StatelessHealthChecksExtensions.LivePath.TrimStart('/'));
    }
}
