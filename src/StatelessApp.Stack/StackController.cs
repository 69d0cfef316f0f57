using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack;

/// <summary>
/// Runs the topology as local processes: up (in dependency order, waiting for each piece), down, kill and start
/// (fault drills), status. Used by the `stack` CLI and, as a library, by the stack tests.
/// </summary>
public sealed class StackController : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);
    private readonly ProcessSupervisor _supervisor;
    private readonly TextWriter _output;

    public StackController(StackPaths paths, StackTopology topology, TextWriter? output = null, ProxyKind? proxy = null)
    {
        Paths = paths;
        Topology = topology;
        _output = output ?? Console.Out;
        _supervisor = new ProcessSupervisor(paths);
        Directory.CreateDirectory(paths.StateRoot);
        Context = new StackContext(topology, paths, StackSecrets.LoadOrCreate(paths.SecretsFile), HostTools.Discover(),
            proxy ?? StackState.Read(paths.StateFile).Proxy ?? topology.ProxyKind);
    }

    public StackPaths Paths { get; }

    public StackTopology Topology { get; }

    public StackContext Context { get; }

    /// <summary>The controller for the repository around the current directory, its topology overridable from the environment.</summary>
    public static StackController ForRepository(string? stateRoot = null, TextWriter? output = null, ProxyKind? proxy = null)
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), stateRoot);
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        return new StackController(paths, StackTopology.Load(paths.TopologyFile, environment), output, proxy);
    }

    /// <summary>Nodes named by a drill target: a node name, region-a, region-b, witness (region-w) or all.</summary>
    public IReadOnlyList<Node> Resolve(string target)
    {
        if (target == "all")
        {
            return Topology.Nodes;
        }

        var region = target switch
        {
            "witness" => StackTopology.WitnessRegion,
            _ when target.StartsWith("region-", StringComparison.Ordinal) => target["region-".Length..],
            _ => null,
        };
        if (region is not null && Topology.Regions.Any(r => r.Name == region))
        {
            return Topology.NodesIn(region);
        }

        return Topology.Nodes.FirstOrDefault(n => n.Name == target) is { } node
            ? [node]
            : throw new ArgumentException($"unknown target '{target}': a node name ({string.Join(", ", Topology.Nodes.Select(n => n.Name))}), region-a, region-b, witness or all");
    }

    public Server ServerOf(Node node) => ServerCatalog.For(node, Context.ProxyKind);

    public async Task UpAsync(UpOptions options, CancellationToken cancellationToken = default)
    {
        var progress = new ProgressReporter(_output);
        if (options.Fresh)
        {
            await DownAsync(quiet: true);
            foreach (var folder in new[] { Paths.Data, Paths.ServiceAccountData, Paths.Logs, Paths.Pids }.Distinct())
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            progress.Line("fresh: wiped data, logs and pids");
        }

        var state = StackState.Read(Paths.StateFile);
        if (state.Proxy is { } running && running != Context.ProxyKind)
        {
            // Switching proxy kind: the running proxies are of the other kind.
            var previous = ServerCatalog.For(Topology.NodesOf(NodeKind.Proxy)[0], running);
            foreach (var proxy in Topology.NodesOf(NodeKind.Proxy))
            {
                await _supervisor.StopAsync(proxy.Name, () => [], previous.StopGrace);
            }
        }

        state = state with { Proxy = Context.ProxyKind };
        state.Write(Paths.StateFile);
        EnsurePortsFree();

        // The build runs while the databases start: they mostly wait on each other, the build mostly computes.
        var appBefore = AppBuildStamp();
        var build = options.BuildApp || !File.Exists(Paths.AppAssembly)
            ? PublishAppAsync(cancellationToken)
            : Task.CompletedTask;

        await progress.StepAsync("etcd: 3 members healthy, authentication on, the witness leading", async () =>
        {
            StartAll(Topology.NodesOf(NodeKind.Etcd));
            await WaitHealthyAsync(Topology.NodesOf(NodeKind.Etcd), cancellationToken);
            await EtcdAuthentication.EnsureEnabledAsync(Context, cancellationToken);
            await EtcdLeadership.MoveToWitnessAsync(Context, cancellationToken);
        });

        // The node that was primary when the stack went down starts first and stays primary; on a fresh stack, the
        // topology's initial leader bootstraps the cluster.
        var postgres = Topology.NodesOf(NodeKind.Postgres);
        var leader = postgres.FirstOrDefault(n => n.Name == state.LastPostgresPrimary && Directory.Exists(PatroniServer.DataDirectory(n, Context)))
            ?? Topology.NodeOf(NodeKind.Postgres, Topology.PostgresInitialLeaderRegion);
        await progress.StepAsync($"PostgreSQL: {leader.Name} primary (Patroni)", async () =>
        {
            StartAll([leader]);
            await WaitUntilAsync("a PostgreSQL primary", [leader], async () =>
                (await ProbeAllAsync(postgres, cancellationToken)).Any(p => p.Probe.Role == "primary"), cancellationToken);
        });

        await progress.StepAsync("PostgreSQL: standby streaming", async () =>
        {
            StartAll(postgres);
            await WaitUntilAsync("PostgreSQL primary + streaming standby", postgres, async () =>
            {
                var probes = await ProbeAllAsync(postgres, cancellationToken);
                return probes.All(p => p.Probe.Healthy)
                    && probes.Count(p => p.Probe.Role == "primary") == 1
                    && probes.Single(p => p.Probe.Role == "primary").Probe.LinkedReplicas == postgres.Count - 1;
            }, cancellationToken);
        });

        await progress.StepAsync("app: published to " + Path.GetRelativePath(Paths.RepositoryRoot, Paths.App), () => build);
        if (AppBuildStamp() != appBefore)
        {
            // Running instances still run the old build: replace them (they drain; the proxies retry elsewhere).
            var apps = Topology.NodesOf(NodeKind.App).Where(n => _supervisor.RunningPid(n.Name) is not null).ToList();
            await Task.WhenAll(apps.Select(n => StopAsync(n, quiet: true)));
        }

        await progress.StepAsync("database: migrations applied (once, on the primary)", () => MigrateAsync(cancellationToken));

        var redis = Topology.NodesOf(NodeKind.Redis);
        await progress.StepAsync($"Redis: primary + {redis.Count - 1} linked replicas", async () =>
        {
            StartAll(redis);
            await WaitUntilAsync("Redis primary + linked replicas", redis, async () =>
            {
                var probes = await ProbeAllAsync(redis, cancellationToken);
                return probes.All(p => p.Probe.Healthy)
                    && probes.Count(p => p.Probe.Role == "primary") == 1
                    && probes.Single(p => p.Probe.Role == "primary").Probe.LinkedReplicas == redis.Count - 1;
            }, cancellationToken);
        });

        var sentinels = Topology.NodesOf(NodeKind.Sentinel);
        await progress.StepAsync("Sentinel: 3 sentinels agree on the primary, know each other and every replica", async () =>
        {
            StartAll(sentinels);
            await WaitUntilAsync("Sentinels", sentinels, async () =>
            {
                var knowledge = await Task.WhenAll(sentinels.Select(s => SentinelServer.KnowledgeAsync(s, Context, cancellationToken)));
                // Every replica known to every Sentinel: one that does not know the witness replica yet would not
                // reconfigure it after a failover, and the promoted primary would have no replica to confirm writes.
                return knowledge.All(k => k is { } known && known.Replicas >= redis.Count - 1 && known.OtherSentinels == sentinels.Count - 1);
            }, cancellationToken);
        });

        await progress.StepAsync("apps: 4 instances ready", async () =>
        {
            StartAll(Topology.NodesOf(NodeKind.App));
            await WaitHealthyAsync(Topology.NodesOf(NodeKind.App), cancellationToken);
        });

        var proxies = Topology.NodesOf(NodeKind.Proxy);
        await progress.StepAsync($"proxies ({Context.ProxyKind.ToString().ToLowerInvariant()}): both route to a ready app", async () =>
        {
            StartAll(proxies);
            await WaitUntilAsync("proxies", proxies, async () => (await Task.WhenAll(proxies.Select(ProxyRoutesAsync))).All(ok => ok), cancellationToken);
        });

        var dns = Topology.NodesOf(NodeKind.Dns);
        await progress.StepAsync($"DNS: {Topology.Domain} answers both proxies", async () =>
        {
            StartAll(dns);
            await WaitUntilAsync("DNS", dns, async () =>
            {
                var answers = await DnsServer.ResolveAsync(dns[0], Topology.Domain, cancellationToken);
                return answers is not null && proxies.All(p => answers.Contains(p.Address));
            }, cancellationToken);
        });

        progress.Line("stack is up");
        PrintHowToReach();

        async Task<bool> ProxyRoutesAsync(Node proxy)
        {
            try
            {
                using var response = await Context.Http.GetAsync(new Uri($"http://{proxy.Endpoint}/health/ready"), cancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>Stops everything, gracefully and in reverse dependency order; standbys and replicas before their primaries
    /// so that `up` finds the same primaries again.</summary>
    public async Task DownAsync(bool quiet = false)
    {
        foreach (var kind in Enum.GetValues<NodeKind>().Reverse())
        {
            var nodes = Topology.NodesOf(kind).Where(n => _supervisor.RunningPid(n.Name) is not null || ServerOf(n).Companions(n, Context).Count > 0).ToList();
            if (nodes.Count == 0)
            {
                continue;
            }

            if (kind is NodeKind.Postgres or NodeKind.Redis)
            {
                // Primary last: stopping it first would hand the primary role to the other region.
                var probes = await ProbeAllAsync(nodes, CancellationToken.None);
                if (kind == NodeKind.Postgres && probes.FirstOrDefault(p => p.Probe.Role == "primary").Node is { } primary)
                {
                    (StackState.Read(Paths.StateFile) with { LastPostgresPrimary = primary.Name }).Write(Paths.StateFile);
                }

                foreach (var node in probes.OrderBy(p => p.Probe.Role == "primary").Select(p => p.Node))
                {
                    await StopAsync(node, quiet);
                }
            }
            else
            {
                await Task.WhenAll(nodes.Select(n => StopAsync(n, quiet)));
            }
        }

        if (!quiet)
        {
            var kept = Path.GetRelativePath(Paths.RepositoryRoot, Paths.Data)
                + (Paths.ServiceAccountData == Paths.Data ? "" : " and " + Paths.ServiceAccountData);
            _output.WriteLine("stack is down (data kept in " + kept + "; `up --fresh` wipes it)");
        }
    }

    /// <summary>SIGKILL, as a crash would: no graceful stop, no hand-over.</summary>
    public IReadOnlyList<Node> Kill(string target)
    {
        var killed = new List<Node>();
        foreach (var node in Resolve(target))
        {
            var pid = _supervisor.RunningPid(node.Name);
            var companions = ServerOf(node).Companions(node, Context);
            if (_supervisor.Kill(node.Name, companions) || companions.Count > 0)
            {
                _output.WriteLine($"killed {node.Name} (pid {pid?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(companions.Count > 0 ? ", postmaster " + string.Join(',', companions) : "")})");
                killed.Add(node);
            }
            else
            {
                _output.WriteLine($"{node.Name} was not running");
            }
        }

        return killed;
    }

    /// <summary>Starts the target's stopped nodes and waits until they are healthy.</summary>
    public async Task StartAsync(string target, CancellationToken cancellationToken = default)
    {
        var nodes = Resolve(target);
        var stopped = nodes.Where(n => _supervisor.RunningPid(n.Name) is null).ToList();
        EnsurePortsFree(stopped);
        foreach (var group in stopped.GroupBy(n => n.Kind).OrderBy(g => g.Key))
        {
            var watch = Stopwatch.StartNew();
            StartAll([.. group]);
            await WaitHealthyAsync([.. group], cancellationToken);
            foreach (var node in group)
            {
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started {node.Name}, healthy after {watch.Elapsed.TotalSeconds:0.0}s"));
            }
        }

        foreach (var node in nodes.Except(stopped))
        {
            _output.WriteLine($"{node.Name} is already running");
        }
    }

    public async Task<IReadOnlyList<NodeStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var probes = await ProbeAllAsync(Topology.Nodes, cancellationToken);
        return [.. probes.Select(p => new NodeStatus(p.Node, _supervisor.RunningPid(p.Node.Name), p.Probe))];
    }

    /// <summary>Probes every node in parallel.</summary>
    public async Task<IReadOnlyList<(Node Node, NodeProbe Probe)>> ProbeAllAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken)
    {
        var probes = await Task.WhenAll(nodes.Select(n => ServerOf(n).ProbeAsync(n, Context, cancellationToken)));
        return [.. nodes.Zip(probes)];
    }

    public void Dispose() => Context.Http.Dispose();

    private void StartAll(IReadOnlyList<Node> nodes)
    {
        foreach (var node in nodes.Where(n => _supervisor.RunningPid(n.Name) is null))
        {
            var server = ServerOf(node);
            server.Prepare(node, Context);
            _supervisor.Start(node.Name, server.Launch(node, Context));
        }
    }

    private async Task StopAsync(Node node, bool quiet)
    {
        var server = ServerOf(node);
        if (await _supervisor.StopAsync(node.Name, () => server.Companions(node, Context), server.StopGrace) && !quiet)
        {
            _output.WriteLine($"stopped {node.Name}");
        }
    }

    private Task WaitHealthyAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken) =>
        WaitUntilAsync(string.Join(", ", nodes.Select(n => n.Name)), nodes,
            async () => (await ProbeAllAsync(nodes, cancellationToken)).All(p => p.Probe.Healthy), cancellationToken);

    /// <summary>Polls until the condition holds; fails early when one of the nodes' processes died, with its log's tail.</summary>
    private async Task WaitUntilAsync(string what, IReadOnlyList<Node> nodes, Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return;
            }

            var dead = nodes.FirstOrDefault(n => _supervisor.RunningPid(n.Name) is null);
            if (dead is not null)
            {
                throw new StackException($"{dead.Name} exited while waiting for {what}. Last lines of {Paths.LogOf(dead.Name)}:\n{Tail(Paths.LogOf(dead.Name), 15)}");
            }

            if (watch.Elapsed > StepTimeout)
            {
                var probes = await ProbeAllAsync(nodes, cancellationToken);
                throw new StackException($"{what}: not ready after {StepTimeout.TotalSeconds:0} s ("
                    + string.Join("; ", probes.Select(p => $"{p.Node.Name}: {p.Probe.Detail}")) + "). Logs: " + Paths.Logs);
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private void EnsurePortsFree(IReadOnlyList<Node>? nodes = null)
    {
        var holders = PortScanner.Listening();
        var problems = new List<string>();
        foreach (var node in (nodes ?? Topology.Nodes).Where(n => _supervisor.RunningPid(n.Name) is null))
        {
            foreach (var port in node.Ports)
            {
                if (PortScanner.HolderOf(holders, node.Address, port.Number, port.Protocol) is { } holder)
                {
                    problems.Add($"port {node.Address}:{port.Number}/{port.Protocol} ({node.Name} {port.Purpose}) is taken by {holder.ProcessName ?? "an unknown process"}{(holder.Pid is { } pid ? $" (pid {pid})" : "")}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new StackException(string.Join(Environment.NewLine, problems)
                + Environment.NewLine + "Stop that process, or move the stack with an override (e.g. PROXY_PORT=9080 ./stack up; keys in deploy/topology.env).");
        }
    }

    private string AppBuildStamp() =>
        File.Exists(Paths.AppAssembly) ? File.GetLastWriteTimeUtc(Paths.AppAssembly).Ticks.ToString(CultureInfo.InvariantCulture) : "";

    private async Task PublishAppAsync(CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(Context.Tools.Dotnet,
            ["publish", Paths.WebProject, "-c", "Release", "-o", Paths.App, "-nologo", "-v", "q", "-clp:ErrorsOnly"],
            TimeSpan.FromMinutes(5), logFile: Paths.LogOf("build"), workingDirectory: Paths.RepositoryRoot, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new StackException($"dotnet publish of the app failed (log: {Paths.LogOf("build")}):\n{result.Output}");
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Shop"] = Context.ShopConnectionString,
            ["ConnectionStrings__Redis"] = Context.RedisConnectionString,
            ["Instance__Region"] = Topology.PostgresInitialLeaderRegion,
            ["Instance__Name"] = "migrate",
        };
        var result = await CommandRunner.RunAsync(Context.Tools.Dotnet, [Paths.AppAssembly, "migrate"], TimeSpan.FromMinutes(2), environment,
            workingDirectory: Paths.App, logFile: Paths.LogOf("migrate"), cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new StackException($"migrations failed (exit {result.ExitCode}; log: {Paths.LogOf("migrate")}):\n{Tail(Paths.LogOf("migrate"), 20)}");
        }
    }

    private void PrintHowToReach()
    {
        var proxies = Topology.NodesOf(NodeKind.Proxy);
        var dns = Topology.NodesOf(NodeKind.Dns)[0];
        _output.WriteLine();
        foreach (var proxy in proxies)
        {
            _output.WriteLine($"  region {proxy.Region}: http://{proxy.Endpoint}/");
        }

        _output.WriteLine($"  DNS:      {dns.Address} port {dns.Port} answers {Topology.Domain} (dig @{dns.Address} -p {dns.Port} {Topology.Domain})");
        _output.WriteLine($"  by name:  curl --resolve {Topology.Domain}:{proxies[0].Port}:{string.Join(',', proxies.Select(p => p.Address))} http://{Topology.Domain}:{proxies[0].Port}/");
        _output.WriteLine("  ./stack status | logs NAME | kill NAME|region-a|region-b|witness | start … | down");
    }

    public static string Tail(string file, int lines) =>
        File.Exists(file) ? string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(lines)) : "(no log)";
}
