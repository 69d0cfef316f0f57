using System.Net.Sockets;
using StatelessApp.Stack;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Load;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.Bench;

/// <summary>
/// The system under test: the stack the benchmark runs against: the repository's topology moved to 127.121-123.x with a state folder of its
/// own, so it never meets a developer's `./stack up` (127.1-3.x) or the stack tests (127.101-103.x). One app instance
/// serves every configuration, behind region A's proxy: the stateful build could not be spread over several instances
/// without sticky routing, and the same single instance keeps the comparison fair.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    /// <summary>Where the stack with TLS (as shipped) runs: 127.121-123.x.</summary>
    public const int SecondOctetOffset = 120;

    /// <summary>Where the plaintext twin runs, when a configuration needs it: 127.131-133.x.</summary>
    public const int PlaintextSecondOctetOffset = 130;

    /// <summary>The contract's switch: false = no OpenTelemetry SDK at all (and no request rates).</summary>
    private const string TelemetrySwitch = "Telemetry:Enabled";

    /// <summary>The instance under test; the other three stay stopped.</summary>
    public const string AppUnderTest = "app-a1";

    /// <summary>
    /// wrk's load comes from one address and signs the same few accounts in again and again: every limit counts, none
    /// refuses (the sign-in limit per account too, which the tests keep as shipped).
    /// </summary>
    private static readonly Dictionary<string, string> LimitsOutOfTheWay = new(RateLimitSettings.OutOfTheWay)
    {
        ["RateLimits:SignInPerAccount:PermitLimit"] = "1000000",
    };

    private readonly StackController _controller;
    private readonly string? _logsCopy;

    /// <summary>The published bench host (the stateful and stock builds); the stack publishes the shipped app itself.</summary>
    private string BenchHostAssembly => Path.Combine(_controller.Paths.StateRoot, "bench-host", "StatelessApp.Bench.Host.dll");

    private SystemUnderTest(StackController controller, string? logsCopy)
    {
        _controller = controller;
        _logsCopy = logsCopy;
    }

    public StackTopology Topology => _controller.Topology;

    public StackContext Context => _controller.Context;

    /// <summary>Region A's proxy (HTTPS like every client of the stack, unless this is the plaintext twin): every request of the benchmark goes through it.</summary>
    public Uri Proxy => new($"{Context.HttpScheme}://{Topology.NodeOf(NodeKind.Proxy, "a").Endpoint}");

    /// <summary>
    /// A fresh stack (publishes the app and the bench host from the working tree), each step reported on <paramref name="output"/>;
    /// its servers' logs are copied to <paramref name="logsCopy"/> (if given) when it goes down. With <paramref name="tls"/>
    /// false, the plaintext twin: the same stack on its own range with every link between nodes in plaintext, the
    /// baseline that prices TLS. The bench host is published only when <paramref name="benchHost"/> (a build needs it).
    /// With <paramref name="distance"/> the sites are the topology's round trips apart (as `./stack up`); the throughput
    /// rounds run at 0 ms, so that their figures stay comparable with every earlier run.
    /// </summary>
    public static async Task<SystemUnderTest> UpAsync(TextWriter output, string? logsCopy, bool tls, bool benchHost, bool distance, CancellationToken cancellationToken)
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), Directory.CreateTempSubdirectory("statelessapp-bench-").FullName);
        var offset = tls ? SecondOctetOffset : PlaintextSecondOctetOffset;
        var controller = new StackController(paths, StackTopology.LoadOnMovedRange(paths.TopologyFile, offset), output, tls: tls);
        RateLimitSettings.ApplyTo(controller.Context.AppSettings, LimitsOutOfTheWay);
        var stack = new SystemUnderTest(controller, logsCopy);
        try
        {
            await controller.UpAsync(new UpOptions { Fresh = true, Distance = distance }, cancellationToken);
            // Distance that silently is not there would make the 0 ms figures pass for distant ones (docs/latency.md).
            if (distance && !controller.Topology.Distances.IsZero && controller.SiteDelay is not { IsRunning: true })
            {
                throw new InvalidOperationException("the stack was asked for distance but its delayer does not run (not root, or no cgroup v2?)");
            }

            if (benchHost)
            {
                await stack.PublishBenchHostAsync(output, cancellationToken);
            }
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }

        return stack;
    }

    private async Task PublishBenchHostAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var project = Path.Combine(_controller.Paths.RepositoryRoot, "bench", "StatelessApp.Bench.Host");
        var result = await CommandRunner.RunAsync(Context.Tools.Dotnet,
            ["publish", project, "-c", "Release", "-o", Path.GetDirectoryName(BenchHostAssembly)!, "-nologo", "-v", "q", "-clp:ErrorsOnly"],
            TimeSpan.FromMinutes(5), workingDirectory: _controller.Paths.RepositoryRoot, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"dotnet publish of the bench host failed:\n{result.Output}");
        }

        await output.WriteLineAsync("bench host: published to " + Path.GetDirectoryName(BenchHostAssembly));
    }

    /// <summary>The proxy of a region (HTTPS like <see cref="Proxy"/>): where a client of that region enters.</summary>
    public Uri ProxyOf(string region) => new($"{Context.HttpScheme}://{Topology.NodeOf(NodeKind.Proxy, region).Endpoint}");

    /// <summary>
    /// Stops every app instance and starts <see cref="AppUnderTest"/> alone as the given build, then waits until the proxy
    /// sends everything to it (the proxy's probes take the stopped instances out within about a second).
    /// </summary>
    public Task RunAppAsync(BenchConfiguration configuration, CancellationToken cancellationToken) =>
        RunAppsAsync(configuration, [AppUnderTest], cancellationToken);

    /// <summary>
    /// Stops every app instance and starts the given ones (at most one a region) as the given build, then waits until
    /// each one's regional proxy sends everything to it: a client entering there is served in that region.
    /// </summary>
    public async Task RunAppsAsync(BenchConfiguration configuration, IReadOnlyList<string> apps, CancellationToken cancellationToken)
    {
        foreach (var app in Topology.NodesOf(NodeKind.App))
        {
            _controller.Kill(app.Name);
        }

        foreach (var app in apps)
        {
            await WaitUntilRefusedAsync(Topology.Node(app), cancellationToken);
        }

        Context.AppAssembly = configuration.StateMode is null ? null : BenchHostAssembly;
        if (configuration.StateMode is null)
        {
            Context.AppSettings.Remove("StateMode");
        }
        else
        {
            Context.AppSettings["StateMode"] = configuration.StateMode;
        }

        if (configuration.Telemetry)
        {
            Context.AppSettings.Remove(TelemetrySwitch);
        }
        else
        {
            Context.AppSettings[TelemetrySwitch] = "false";
        }

        foreach (var key in LimitsOutOfTheWay.Keys.Concat(BenchConfiguration.Distance.AppSettings.Keys))
        {
            Context.AppSettings.Remove(key);
        }

        foreach (var (key, value) in configuration.AppSettings)
        {
            Context.AppSettings[key] = value;
        }

        if (!configuration.ShippedLimits)
        {
            RateLimitSettings.ApplyTo(Context.AppSettings, LimitsOutOfTheWay);
        }

        await _controller.StartAsync([.. apps.Select(Topology.Node)], cancellationToken);
        foreach (var app in apps)
        {
            await WaitUntilRoutedAsync(Topology.Node(app), cancellationToken);
        }
    }

    /// <summary>The served-by header (region/app-ordinal) of the answers <paramref name="app"/> gives.</summary>
    public static string ServedBy(Node app) => $"{app.Region}/app-{app.Ordinal}";

    private async Task WaitUntilRoutedAsync(Node app, CancellationToken cancellationToken)
    {
        var expected = ServedBy(app);
        var proxy = ProxyOf(app.Region);
        var consecutive = 0;
        await Poll.UntilAsync($"region {app.Region.ToUpperInvariant()}'s proxy to route only to {app.Name} (20 answers in a row)", async token =>
            {
                try
                {
                    using var response = await Context.Http.GetAsync(new Uri(proxy, "/health/ready"), token);
                    var servedBy = response.Headers.TryGetValues("X-Served-By", out var values) ? values.FirstOrDefault() : null;
                    consecutive = response.IsSuccessStatusCode && servedBy == expected ? consecutive + 1 : 0;
                    return $"{consecutive} in a row; last {(int)response.StatusCode} from {servedBy}";
                }
                catch (HttpRequestException e)
                {
                    consecutive = 0;
                    return e.Message;
                }
            },
            _ => consecutive >= 20, TimeSpan.FromSeconds(30), interval: TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
    }

    /// <summary>A killed process keeps its listening socket until the kernel has reaped it: wait until connects are refused.</summary>
    private static async Task WaitUntilRefusedAsync(Node node, CancellationToken cancellationToken)
    {
        await Poll.UntilAsync($"{node.Name} to refuse connections on {node.Endpoint} after it was killed", async token =>
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(node.Address, node.Port, token);
                    return false;
                }
                catch (SocketException)
                {
                    return true;
                }
            },
            TimeSpan.FromSeconds(15), interval: TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The processes whose CPU time the bench reads (<see cref="ProcessCpu"/>): the instance under test, region A's
    /// proxy, the Redis primary and both PostgreSQL postmasters (their backends are their children). Everything else
    /// in the stack (the other proxy, replicas, Sentinels, etcd, Patroni) does the same background work in every
    /// configuration.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> CpuRootsAsync(CancellationToken cancellationToken)
    {
        var roots = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string label, int? pid)
        {
            if (pid is { } known)
            {
                roots[label] = known;
            }
        }

        Add("app", PidOf(Topology.Node(AppUnderTest)));
        Add("haproxy", PidOf(Topology.NodeOf(NodeKind.Proxy, "a")));
        Add("redis", PidOf(await PrimaryAsync(NodeKind.Redis, cancellationToken)));
        foreach (var (node, role) in await PostgresNodesAsync(cancellationToken))
        {
            Add($"postgres {role}", _controller.ServerOf(node).Companions(node, Context).FirstOrDefault() is var postmaster and > 0 ? postmaster : null);
        }

        return roots;
    }

    private int? PidOf(Node node) => PidFile.Read(_controller.Paths.PidOf(node.Name)) is { } file && file.IsAlive() ? file.Pid : null;

    /// <summary>The Redis or PostgreSQL node that is primary right now (Sentinel's or Patroni's choice, as its probe reports it).</summary>
    public async Task<Node> PrimaryAsync(NodeKind kind, CancellationToken cancellationToken) =>
        await _controller.PrimaryAsync(kind, cancellationToken) ?? throw new InvalidOperationException($"no {kind} primary");

    /// <summary>Both PostgreSQL nodes with their current role ("primary" or "standby", as the results name it).</summary>
    public async Task<IReadOnlyList<(Node Node, string Role)>> PostgresNodesAsync(CancellationToken cancellationToken) =>
        [.. (await _controller.ProbeAllAsync(Topology.NodesOf(NodeKind.Postgres), cancellationToken)).Select(p => (p.Node, p.Probe.Role.ToString().ToLowerInvariant()))];

    public async ValueTask DisposeAsync()
    {
        await _controller.DownAsync(quiet: true);
        _controller.Dispose();
        if (_logsCopy is not null && Directory.Exists(_controller.Paths.Logs))
        {
            Directory.CreateDirectory(_logsCopy);
            foreach (var log in Directory.GetFiles(_controller.Paths.Logs))
            {
                File.Copy(log, Path.Combine(_logsCopy, Path.GetFileName(log)), overwrite: true);
            }
        }

        Directory.Delete(_controller.Paths.StateRoot, recursive: true);
    }
}
