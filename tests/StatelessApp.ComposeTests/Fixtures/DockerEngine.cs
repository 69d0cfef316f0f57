using System.Diagnostics;
using StatelessApp.Stack.Processes;

namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>
/// The machine's Docker engine: the one already running, or a <c>dockerd</c> started here (no init system on a CI
/// machine) and stopped again on dispose, with the IPv4 forwarding setting and FORWARD policy it changes put back.
/// </summary>
public sealed class DockerEngine : IAsyncDisposable
{
    private const string ForwardingSetting = "/proc/sys/net/ipv4/ip_forward";
    private readonly Process? _daemon;
    private readonly string? _forwardingBefore;
    private readonly bool _forwardAcceptedBefore;

    private DockerEngine(Process? daemon, string? forwardingBefore, bool forwardAcceptedBefore)
    {
        _daemon = daemon;
        _forwardingBefore = forwardingBefore;
        _forwardAcceptedBefore = forwardAcceptedBefore;
    }

    /// <summary>Whether this fixture started the engine (and so stops it).</summary>
    public bool StartedHere => _daemon is not null;

    public static async Task<DockerEngine> EnsureRunningAsync(string logFile, CancellationToken cancellationToken)
    {
        if (await AnswersAsync(cancellationToken))
        {
            return new DockerEngine(null, null, forwardAcceptedBefore: false);
        }

        var forwardingBefore = File.Exists(ForwardingSetting) ? (await File.ReadAllTextAsync(ForwardingSetting, cancellationToken)).Trim() : null;
        // dockerd sets the FORWARD chain's policy to DROP when it turns forwarding on.
        var forwardChain = await CommandRunner.RunAsync("iptables", ["-S", "FORWARD"], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        var forwardAcceptedBefore = forwardChain.Succeeded && forwardChain.Output.Contains("-P FORWARD ACCEPT", StringComparison.Ordinal);
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dockerd >>\"$1\" 2>&1");
        start.ArgumentList.Add("dockerd");
        start.ArgumentList.Add(logFile);
        var daemon = Process.Start(start) ?? throw new InvalidOperationException("dockerd did not start");
        var engine = new DockerEngine(daemon, forwardingBefore, forwardAcceptedBefore);
        try
        {
            await Poll.UntilAsync("dockerd to answer `docker info`", async ct => !daemon.HasExited && await AnswersAsync(ct),
                TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(250), cancellationToken: cancellationToken);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a docker command; its combined output, and a failure naming the command when it fails.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var result = await CommandRunner.RunAsync("docker", arguments, timeout);
        return result.OutputOrThrow($"docker {string.Join(' ', arguments)}");
    }

    /// <summary>SIGKILLs containers, as the loss of their host would.</summary>
    public static Task KillAsync(IEnumerable<ContainerState> containers) =>
        RunAsync(TimeSpan.FromMinutes(1), ["kill", .. containers.Select(c => c.Id)]);

    public async ValueTask DisposeAsync()
    {
        if (_daemon is null)
        {
            return;
        }

        if (!_daemon.HasExited)
        {
            // SIGTERM: dockerd stops its containers and removes its network rules; SIGKILL only if it hangs.
            await CommandRunner.RunAsync("kill", ["-TERM", _daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _daemon.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _daemon.Kill(entireProcessTree: true);
            }
        }

        _daemon.Dispose();
        if (_forwardingBefore is not null)
        {
            await File.WriteAllTextAsync(ForwardingSetting, _forwardingBefore + "\n");
        }

        if (_forwardAcceptedBefore)
        {
            await CommandRunner.RunAsync("iptables", ["-P", "FORWARD", "ACCEPT"], TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<bool> AnswersAsync(CancellationToken cancellationToken) =>
        (await CommandRunner.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(10),
            cancellationToken: cancellationToken)).Succeeded;
}
