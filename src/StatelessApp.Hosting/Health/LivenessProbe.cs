using System.Security.Cryptography.X509Certificates;

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

    /// <summary>Kestrel's own certificate setting, as an environment variable (an HTTPS instance's certificate file, PEM).</summary>
    public const string CertificateVariable = "Kestrel__Certificates__Default__Path";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static readonly string[] Wildcards = ["[::]", "0.0.0.0", "+", "*"];

    /// <summary>
    /// Probes the instance's listen address: the first of ASPNETCORE_URLS, else the first of ASPNETCORE_HTTP_PORTS
    /// (the runtime image's default, 8080). Prints one line. Over HTTPS the one certificate accepted is the instance's
    /// own (Kestrel__Certificates__Default__Path) when it is set: the probe asks this very instance, by a loopback
    /// address its certificate does not name, and the container trusts no private CA.
    /// </summary>
    public static Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(output, Environment.GetEnvironmentVariable("ASPNETCORE_URLS"), Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"),
            Environment.GetEnvironmentVariable(CertificateVariable), cancellationToken);

    /// <summary>The same, for the given values of ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS and the instance's certificate file.</summary>
    internal static async Task<int> RunAsync(TextWriter output, string? urls, string? ports, string? ownCertificateFile, CancellationToken cancellationToken)
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
            using var client = new HttpClient(Handler(ownCertificateFile)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
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

    private static SocketsHttpHandler Handler(string? ownCertificateFile)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        if (!string.IsNullOrWhiteSpace(ownCertificateFile))
        {
            var own = X509Certificate2.CreateFromPem(File.ReadAllText(ownCertificateFile));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(own.RawData);
        }

        return handler;
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
