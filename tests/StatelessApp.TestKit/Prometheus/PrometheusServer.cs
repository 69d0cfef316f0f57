using System.Diagnostics;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Prometheus;

/// <summary>
/// A real <c>prometheus</c> (Debian's, from PATH) on a free loopback port with the given rules file, evaluating every
/// second, scraping nothing, in its own temporary directory: for testing what reads Prometheus's API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory;
    private readonly Process _process;

    private PrometheusServer(string directory, int port, Process process)
    {
        _directory = directory;
        _process = process;
        Address = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Address { get; }

    /// <summary>Starts it with these alerting rules (a Prometheus rules file) and waits until it is ready (rules loaded).</summary>
    public static async Task<PrometheusServer> StartAsync(string rules, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("statelessapp-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "rules.yml"), rules, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), """
            global:
              evaluation_interval: 1s
              scrape_interval: 1s
            rule_files:
              - rules.yml
            """, cancellationToken);
        var port = LoopbackPorts.FreeTcp();
        var start = new ProcessStartInfo("prometheus",
        [
            "--config.file=" + Path.Combine(directory, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
        ])
        {
            UseShellExecute = false,
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(directory, port, process);
        try
        {
            using var client = new PrometheusClient(server.Address);
            await Poll.UntilAsync($"prometheus on port {port} to be ready", async ct =>
                    !process.HasExited ? await client.ReadyAsync(ct)
                    : throw new InvalidOperationException($"prometheus exited with {process.ExitCode}"),
                StartTimeout, retryOn: e => e is HttpRequestException or TimeoutException, interval: TimeSpan.FromMilliseconds(200),
                cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await server.DisposeAsync();
            string text;
            lock (log)
            {
                text = log.ToString();
            }

            throw new InvalidOperationException($"{e.Message}. Log:\n{text}", e);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being written by the dying server: the temp folder is cleaned eventually.
        }
    }
}
