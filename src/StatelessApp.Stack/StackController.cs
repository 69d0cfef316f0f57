using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Distance;
using StatelessApp.Stack.Operations;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Startup;
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

    public StackController(StackPaths paths, StackTopology topology, TextWriter? output = null, ProxyKind? proxy = null, bool tls = true)
    {
        Paths = paths;
        Topology = topology;
        _output = output ?? Console.Out;
        _supervisor = new ProcessSupervisor(paths);
        Directory.CreateDirectory(paths.StateRoot);
        Context = new StackContext(topology, paths, StackSecrets.LoadOrCreate(paths.SecretsFile), HostTools.Discover(),
            proxy ?? StackState.Read(paths.StateFile).Proxy ?? topology.ProxyKind)
        {
            Tls = tls,
            Observability = StackState.Read(paths.StateFile).Observability,
            Cgroups = SiteCgroups.For(paths, topology),
        };
        SiteDelay = Context.Cgroups is { } cgroups ? new SiteDelay(paths, topology, cgroups, _supervisor) : null;
        Releases = new AppReleases(paths, Context.Tools.Dotnet);
        Context.Release = Releases.Find(StackState.Read(paths.StateFile).CurrentRelease);
    }

    /// <summary>The delay between the sites (null when the controller is not root and cannot place processes in cgroups).</summary>
    public SiteDelay? SiteDelay { get; }

    /// <summary>The app's published releases; <see cref="StackContext.Release"/> is the current one.</summary>
    public AppReleases Releases { get; }

    public StackPaths Paths { get; }

    public StackTopology Topology { get; }

    public StackContext Context { get; }

    /// <summary>The nodes this run starts, probes and waits for: the topology's, without the ones it leaves out
    /// (<see cref="NodeSelection"/>: observability off, nginx exporters in front of HAProxy).</summary>
    public IReadOnlyList<Node> Nodes => [.. Topology.Nodes.Where(Context.Runs)];

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
            return Nodes;
        }

        var region = target switch
        {
            "witness" => StackTopology.WitnessRegion,
            _ when target.StartsWith("region-", StringComparison.Ordinal) => target["region-".Length..],
            _ => null,
        };
        if (region is not null && Topology.Regions.Any(r => r.Name == region))
        {
            return [.. Topology.NodesIn(region).Where(Context.Runs)];
        }

        return Topology.Nodes.FirstOrDefault(n => n.Name == target) is { } node
            ? [node]
            : throw new ArgumentException($"unknown target '{target}': a node name ({string.Join(", ", Topology.Nodes.Select(n => n.Name))}), region-a, region-b, witness or all");
    }

    public Server ServerOf(Node node) => ServerCatalog.For(node, Context.ProxyKind);

    /// <summary>
    /// Starts every node of the topology that is not running, step by step as <see cref="StartPlan"/> orders them, each
    /// step waiting for its readiness; the app is published meanwhile. Already-running nodes are left alone, so `up`
    /// also repairs a partly stopped stack.
    /// </summary>
    public async Task UpAsync(UpOptions options, CancellationToken cancellationToken = default)
    {
        var progress = new ProgressReporter(_output);
        // Refuses a distance the failure detectors are not derived for before anything starts.
        _ = Context.FailureTimeouts;
        if (options.Fresh)
        {
            await WipeAsync();
            progress.Line("fresh: wiped data, logs and pids");
        }

        var state = await SwitchProxyKindAsync();
        Context.Observability = options.Observability;
        (state with { Observability = options.Observability }).Write(Paths.StateFile);
        await StopNodesThisRunLeavesOutAsync();
        EnsurePortsFree();
        await ApplyDistanceAsync(options.Distance, progress, cancellationToken);
        var build = StartAppBuild(options.BuildApp, cancellationToken);
        var plan = StartPlan.For(Topology, FirstPostgres(state), Context.ProxyKind, Path.GetRelativePath(Paths.RepositoryRoot, Paths.Releases), options.Observability);
        foreach (var step in plan)
        {
            await progress.StepAsync(step.Label, () => RunAsync(step, build, cancellationToken));
        }

        progress.Line("stack is up");
        PrintHowToReach();
    }

    /// <summary>
    /// The sites' cgroups, and the topology's distance between them unless <paramref name="on"/> is false. Before any
    /// node starts: a connection keeps the delay of its first packet, so servers started earlier stay at their old distance.
    /// </summary>
    private async Task ApplyDistanceAsync(bool on, ProgressReporter progress, CancellationToken cancellationToken)
    {
        if (Context.Cgroups is null || SiteDelay is null)
        {
            progress.Line(on && !Topology.Distances.IsZero
                ? "distance: off (placing processes in the sites' cgroups and delaying packets needs root; the sites are 0 ms apart)"
                : "distance: off");
            return;
        }

        Context.Cgroups.Create();
        if (on)
        {
            await SiteDelay.ApplyAsync(cancellationToken);
        }
        else
        {
            await SiteDelay.RemoveAsync(cancellationToken);
        }

        progress.Line("distance: " + DistanceSummary());
    }

    /// <summary>What `status` and `up` say about the distance between the sites now.</summary>
    public string DistanceSummary()
    {
        if (SiteDelay is null)
        {
            return "off (not root: no site cgroups)";
        }

        var d = Topology.Distances;
        var pairs = string.Create(CultureInfo.InvariantCulture,
            $"a-b {d.AToB.TotalMilliseconds:0} ms, a-w {d.AToWitness.TotalMilliseconds:0} ms, b-w {d.BToWitness.TotalMilliseconds:0} ms round trip");
        return SiteDelay.IsRunning
            ? $"{pairs} (site-delay pid {_supervisor.RunningPid(SiteDelay.ProcessName)}, rules tag {Context.Cgroups!.Tag})"
            : d.IsZero ? "none (the topology's round trips are 0)" : $"off (`up --no-distance`, or the delayer stopped; the topology says {pairs})";
    }

    private async Task WipeAsync()
    {
        await DownAsync(quiet: true);
        // pgBackRest's repository belongs to the wiped cluster: a new one has another system identifier (docs/operations.md).
        foreach (var folder in new[] { Paths.Data, Paths.ServiceAccountData, Paths.Logs, Paths.Pids, Paths.PostgresBackups, Paths.PostgresBackups + "-lock" }.Distinct())
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Stops the proxies of the other kind (and Prometheus, which scrapes them) when this run switches proxy kind,
    /// and records the kind in use.</summary>
    private async Task<StackState> SwitchProxyKindAsync()
    {
        var state = StackState.Read(Paths.StateFile);
        if (state.Proxy is { } running && running != Context.ProxyKind)
        {
            var previous = ServerCatalog.For(Topology.NodesOf(NodeKind.Proxy)[0], running);
            foreach (var proxy in Topology.NodesOf(NodeKind.Proxy))
            {
                await _supervisor.StopAsync(proxy.Name, () => [], previous.StopGrace);
            }

            // Prometheus's proxy targets are the other kind's (HAProxy's own exporter or the nginx exporters): it starts
            // again with the new ones.
            foreach (var prometheus in Topology.NodesOf(NodeKind.Prometheus))
            {
                await StopAsync(prometheus, quiet: true);
            }
        }

        state = state with { Proxy = Context.ProxyKind };
        state.Write(Paths.StateFile);
        return state;
    }

    /// <summary>Stops what an earlier `up` started and this one leaves out (observability now off, nginx exporters after a switch to HAProxy).</summary>
    private async Task StopNodesThisRunLeavesOutAsync()
    {
        foreach (var node in Topology.Nodes.Where(n => !Context.Runs(n) && _supervisor.RunningPid(n.Name) is not null))
        {
            await StopAsync(node, quiet: false);
        }
    }

    /// <summary>The node that was primary when the stack went down starts first and stays primary; on a fresh stack, the
    /// topology's initial leader bootstraps the cluster.</summary>
    private Node FirstPostgres(StackState state) =>
        Topology.NodesOf(NodeKind.Postgres).FirstOrDefault(n => n.Name == state.LastPostgresPrimary && Directory.Exists(PatroniServer.DataDirectory(n, Context)))
        ?? Topology.NodeOf(NodeKind.Postgres, Topology.PostgresInitialLeaderRegion);

    /// <summary>The build runs while the databases start: they mostly wait on each other, the build mostly computes.</summary>
    private Task<AppRelease> StartAppBuild(bool publish, CancellationToken cancellationToken)
    {
        var state = StackState.Read(Paths.StateFile);
        return publish || Context.Release is null
            ? Releases.PublishAsync(version: null, [state.CurrentRelease, state.PreviousRelease], cancellationToken)
            : Task.FromResult(Context.Release);
    }

    private async Task RunAsync(StartStep step, Task<AppRelease> build, CancellationToken cancellationToken)
    {
        StartAll(step.Starts);
        switch (step.Readiness)
        {
            case Readiness.Healthy:
                await WaitHealthyAsync(step.Watches, cancellationToken);
                break;
            case Readiness.EtcdAuthenticatedAndLedByTheWitness:
                await WaitHealthyAsync(step.Watches, cancellationToken);
                await EtcdAuthentication.EnsureEnabledAsync(Context, cancellationToken);
                await EtcdLeadership.MoveToWitnessAsync(Context, cancellationToken);
                break;
            case Readiness.APrimary:
                await WaitUntilAsync(step.Label, step.Watches, async ct =>
                    ReplicationCheck.PrimaryOf(await ProbeAllAsync(step.Watches, ct)) is null ? ["no primary yet"] : [], cancellationToken);
                break;
            case Readiness.OnePrimaryWithEveryReplicaLinked:
                await WaitUntilAsync(step.Label, step.Watches, async ct => ReplicationCheck.Problems(await ProbeAllAsync(step.Watches, ct)), cancellationToken);
                break;
            case Readiness.SentinelsKnowEachOtherAndEveryReplica:
                await WaitUntilAsync(step.Label, step.Watches, ct => ReadinessChecks.SentinelsNotKnowingEveryoneAsync(step.Watches, Context, ct), cancellationToken);
                break;
            case Readiness.ProxiesRouteToAReadyApp:
                await WaitUntilAsync(step.Label, step.Watches, ct => ReadinessChecks.ProxiesNotRoutingAsync(step.Watches, Context, ct), cancellationToken);
                break;
            case Readiness.DnsAnswersEveryProxy:
                await WaitUntilAsync(step.Label, step.Watches, ct => ReadinessChecks.ProxiesMissingFromDnsAsync(step.Watches, Context, ct), cancellationToken);
                break;
            case Readiness.AppPublished:
                await AdoptReleaseAsync(await build);
                break;
            case Readiness.MigrationsApplied:
                await MigrateAsync(Context.Release!, cancellationToken);
                break;
            case Readiness.BackupRepositoryReady:
                await Backups.PgBackRest.EnsureStanzaAndFirstBackupAsync(Context, await PrimaryAsync(NodeKind.Postgres, cancellationToken)
                    ?? throw new StackException("backups: no PostgreSQL primary"), cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"no wait for readiness {step.Readiness}");
        }
    }

    /// <summary>
    /// Makes <paramref name="release"/> current (the one before becomes previous). Running instances of another release
    /// are replaced all at once (they drain; the proxies retry elsewhere): `up` builds, `upgrade` rolls.
    /// </summary>
    private async Task AdoptReleaseAsync(AppRelease release)
    {
        var state = StackState.Read(Paths.StateFile);
        var changed = state.CurrentRelease != release.Id;
        state.WithCurrentRelease(release.Id).Write(Paths.StateFile);
        Context.Release = release;
        if (changed)
        {
            var apps = Topology.NodesOf(NodeKind.App).Where(n => _supervisor.RunningPid(n.Name) is not null).ToList();
            await Task.WhenAll(apps.Select(n => StopAsync(n, quiet: true)));
        }
    }

    /// <summary>`./stack upgrade`: publishes the working tree as a new release and rolls every instance to it (<see cref="ReleaseUpgrade"/>).</summary>
    public Task<UpgradeReport> UpgradeAsync(string? version, CancellationToken cancellationToken = default) =>
        new ReleaseUpgrade(this, _output).UpgradeAsync(version, cancellationToken);

    /// <summary>`./stack rollback`: rolls every instance back to the previous release (<see cref="ReleaseUpgrade"/>).</summary>
    public Task<UpgradeReport> RollbackAsync(CancellationToken cancellationToken = default) =>
        new ReleaseUpgrade(this, _output).RollbackAsync(cancellationToken);

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
                if (kind == NodeKind.Postgres && ReplicationCheck.PrimaryOf(probes) is { } primary)
                {
                    (StackState.Read(Paths.StateFile) with { LastPostgresPrimary = primary.Name }).Write(Paths.StateFile);
                }

                foreach (var node in probes.OrderBy(p => p.Probe.IsPrimary).Select(p => p.Node))
                {
                    await StopAsync(node, quiet);
                }
            }
            else
            {
                await Task.WhenAll(nodes.Select(n => StopAsync(n, quiet)));
            }
        }

        if (SiteDelay is not null)
        {
            await SiteDelay.RemoveAsync(CancellationToken.None);
            Context.Cgroups!.RemoveEmpty();
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
    public Task StartAsync(string target, CancellationToken cancellationToken = default) => StartAsync(Resolve(target), cancellationToken);

    /// <summary>Starts the stopped ones of <paramref name="nodes"/>, one kind at a time in dependency order, each kind waiting until healthy.</summary>
    public async Task StartAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
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

    /// <summary>Stops <paramref name="nodes"/> gracefully, one kind at a time in reverse dependency order.</summary>
    public async Task StopAsync(IReadOnlyList<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var group in nodes.GroupBy(n => n.Kind).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(group.Select(n => StopAsync(n, quiet: false)));
        }
    }

    /// <summary>`./stack rebuild region-a|region-b`: the region's data wiped and every node brought back (<see cref="RegionRebuild"/>).</summary>
    public Task<RebuildTimes> RebuildAsync(string region, bool switchover = false, CancellationToken cancellationToken = default) =>
        new RegionRebuild(this, _output).RunAsync(region, switchover, cancellationToken);

    /// <summary>`./stack rotate secrets`: the app's Redis and PostgreSQL passwords replaced on the live stack (<see cref="SecretRotation"/>).</summary>
    public Task<SecretRotation.Rotated> RotateSecretsAsync(CancellationToken cancellationToken = default) =>
        new SecretRotation(this, _output).RunAsync(cancellationToken);

    public async Task<IReadOnlyList<NodeStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var probes = await ProbeAllAsync(Nodes, cancellationToken);
        return [.. probes.Select(p => new NodeStatus(p.Node, _supervisor.RunningPid(p.Node.Name), p.Probe))];
    }

    /// <summary>The node of <paramref name="kind"/> (Redis or PostgreSQL) whose probe says primary right now; null when none does.</summary>
    public async Task<Node?> PrimaryAsync(NodeKind kind, CancellationToken cancellationToken = default) =>
        ReplicationCheck.PrimaryOf(await ProbeAllAsync(Topology.NodesOf(kind), cancellationToken));

    /// <summary>Probes one node: healthy or not, its role and a detail.</summary>
    public Task<NodeProbe> ProbeAsync(Node node, CancellationToken cancellationToken = default) =>
        ServerOf(node).ProbeAsync(node, Context, cancellationToken);

    /// <summary>Probes every node in parallel.</summary>
    public async Task<IReadOnlyList<(Node Node, NodeProbe Probe)>> ProbeAllAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken)
    {
        var probes = await Task.WhenAll(nodes.Select(n => ServerOf(n).ProbeAsync(n, Context, cancellationToken)));
        return [.. nodes.Zip(probes)];
    }

    public void Dispose() => Context.Dispose();

    private void StartAll(IReadOnlyList<Node> nodes)
    {
        foreach (var node in nodes.Where(n => _supervisor.RunningPid(n.Name) is null))
        {
            var server = ServerOf(node);
            server.Prepare(node, Context);
            _supervisor.Start(node.Name, Context.InSite(node, server.Launch(node, Context)));
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

    /// <summary>Waits until every one of <paramref name="nodes"/> answers its probe as healthy (see <see cref="WaitUntilAsync"/>).</summary>
    public Task WaitHealthyAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(string.Join(", ", nodes.Select(n => n.Name)), nodes,
            async ct => [.. (await ProbeAllAsync(nodes, ct)).Where(p => !p.Probe.Healthy).Select(p => $"{p.Node.Name}: {p.Probe.Detail}")], cancellationToken);

    /// <summary>
    /// Waits until the nodes of a replicated kind (Redis, PostgreSQL) are whole again: all healthy, one primary, every
    /// other node linked to it (see <see cref="ReplicationCheck.Problems"/>). A node that rejoins after a failover
    /// becomes a replica some seconds after it is healthy.
    /// </summary>
    public Task WaitForReplicationAsync(NodeKind kind, CancellationToken cancellationToken = default)
    {
        var nodes = Topology.NodesOf(kind);
        return WaitUntilAsync($"{kind}: one primary with every replica linked", nodes,
            async ct => ReplicationCheck.Problems(await ProbeAllAsync(nodes, ct)), cancellationToken);
    }

    /// <summary>
    /// What keeps the stack from being as `up` leaves it: a node not healthy, or Redis or PostgreSQL without exactly one
    /// primary that has every other node of its kind linked. Empty when whole.
    /// </summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(CancellationToken cancellationToken = default)
    {
        var probes = await ProbeAllAsync(Nodes, cancellationToken);
        var problems = probes.Where(p => !p.Probe.Healthy).Select(p => $"{p.Node.Name}: {p.Probe.Detail}").ToList();
        foreach (var kind in new[] { NodeKind.Postgres, NodeKind.Redis })
        {
            problems.AddRange(ReplicationCheck.Problems([.. probes.Where(p => p.Node.Kind == kind)]).Where(p => !problems.Contains(p)));
        }

        return problems;
    }

    /// <summary>
    /// Polls <paramref name="problems"/> every 200 ms until it returns none. Fails early with a <see cref="StackException"/>
    /// when one of <paramref name="nodes"/>' processes has died (with its log's tail), and after 90 s with the last
    /// problems and the nodes' probes; a cancelled <paramref name="cancellationToken"/> ends it with
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task WaitUntilAsync(string what, IReadOnlyList<Node> nodes, Func<CancellationToken, Task<IReadOnlyList<string>>> problems,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(problems);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var remaining = await problems(cancellationToken);
            if (remaining.Count == 0)
            {
                return;
            }

            var dead = nodes.Where(Context.Runs).FirstOrDefault(n => _supervisor.RunningPid(n.Name) is null);
            if (dead is not null)
            {
                throw new StackException($"{dead.Name} exited while waiting for {what}. Last lines of {Paths.LogOf(dead.Name)}:\n{Tail(Paths.LogOf(dead.Name), 15)}");
            }

            if (watch.Elapsed > StepTimeout)
            {
                var probes = await ProbeAllAsync(nodes, cancellationToken);
                throw new StackException($"{what}: not ready after {StepTimeout.TotalSeconds:0} s: {string.Join("; ", remaining)} ("
                    + string.Join("; ", probes.Select(p => $"{p.Node.Name}: {p.Probe.Detail}")) + "). Logs: " + Paths.Logs);
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>A killed process's sockets outlive its pid for as long as the kernel takes to tear it down (seconds on a loaded machine).</summary>
    private static readonly TimeSpan DyingHolderLimit = TimeSpan.FromSeconds(15);

    private void EnsurePortsFree(IReadOnlyList<Node>? nodes = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var holders = PortScanner.Listening();
            var taken = (nodes ?? Nodes).Where(n => _supervisor.RunningPid(n.Name) is null)
                .SelectMany(node => node.Ports.Select(port => (node, port, holder: PortScanner.HolderOf(holders, node.Address, port.Number, port.Protocol))))
                .Where(t => t.holder is not null)
                .ToList();
            if (taken.Count == 0)
            {
                return;
            }

            // No process owns the socket: one we killed is still being torn down. Anything else is someone else's.
            if (taken.All(t => t.holder!.Pid is null) && watch.Elapsed < DyingHolderLimit)
            {
                Thread.Sleep(200);
                continue;
            }

            throw new StackException(string.Join(Environment.NewLine, taken.Select(t =>
                    $"port {t.node.Address}:{t.port.Number}/{t.port.Protocol} ({t.node.Name} {t.port.Purpose}) is taken by {t.holder!.ProcessName ?? "an unknown process"}{(t.holder.Pid is { } pid ? $" (pid {pid})" : "")}"))
                + Environment.NewLine + "Stop that process, or move the stack with an override (e.g. PROXY_PORT=9443 ./stack up; keys in deploy/topology.env).");
        }
    }

    private static readonly TimeSpan MigrateLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Runs <paramref name="release"/>'s `migrate` on the primary (schema, and the key ring's first key); a non-zero exit
    /// is a <see cref="StackException"/> with the end of its log.
    /// </summary>
    public async Task MigrateAsync(AppRelease release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        var environment = new Dictionary<string, string>
        {
            // The schema's owner: only the migration changes the schema (the instances' role has rows only).
            ["ConnectionStrings__ShopOwner"] = Context.ShopOwnerConnectionString,
            ["Instance__Region"] = Topology.PostgresInitialLeaderRegion,
            ["Instance__Name"] = "migrate",
            // The release migrate records as running, against which the next release's migrations are checked (expand/contract).
            ["Migrations__Release"] = release.Id,
        };
        Context.AddStateSettings(environment); // Redis and the key ring too: migrate creates the ring's first key
        Context.WriteShopDbPasswordFile();
        // A backfill (the expand step of expand/contract) runs as long as the table is big: minutes, not a fixed small bound.
        var result = await CommandRunner.RunAsync(Context.Tools.Dotnet, [release.Assembly, "migrate"], MigrateLimit, environment,
            workingDirectory: release.Folder, logFile: Paths.LogOf("migrate"), cancellationToken: cancellationToken);
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
        var ca = Path.GetRelativePath(Environment.CurrentDirectory, Context.Certificates.CaCertificateFile);
        foreach (var proxy in proxies)
        {
            _output.WriteLine(Context.Tls
                ? $"  region {proxy.Region}: https://{proxy.Endpoint}/  (plain http://{proxy.Address}:{ProxyServer.RedirectPort(proxy)}/ only redirects)"
                : $"  region {proxy.Region}: http://{proxy.Endpoint}/  (TLS OFF: the plaintext twin that measures what TLS costs)");
        }

        _output.WriteLine($"  CA:       {ca} (trust it, and only for this stack: curl --cacert {ca} …)");
        _output.WriteLine($"  DNS:      {dns.Address} port {dns.Port} answers {Topology.Domain} (dig @{dns.Address} -p {dns.Port} {Topology.Domain})");
        _output.WriteLine($"  by name:  curl --cacert {ca} --resolve {Topology.Domain}:{proxies[0].Port}:{string.Join(',', proxies.Select(p => p.Address))} https://{Topology.Domain}:{proxies[0].Port}/");
        if (Nodes.FirstOrDefault(n => n.Kind == NodeKind.Prometheus) is { } prometheus)
        {
            _output.WriteLine($"  metrics:  {PrometheusServer.Url(prometheus)} (Prometheus: /targets, /alerts)");
        }

        if (Nodes.FirstOrDefault(n => n.Kind == NodeKind.Dashboard) is { } dashboard)
        {
            _output.WriteLine($"  traces:   {DashboardServer.Url(dashboard)} (Aspire dashboard: traces, logs, app metrics; local only, no login)");
        }

        _output.WriteLine("  ./stack status | logs NAME | kill NAME|region-a|region-b|witness | start … | down");
    }

    public static string Tail(string file, int lines) =>
        File.Exists(file) ? string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(lines)) : "(no log)";
}
