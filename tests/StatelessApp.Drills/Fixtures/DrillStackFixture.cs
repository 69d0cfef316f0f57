using StatelessApp.TestKit.Load;
using System.Diagnostics;
using Npgsql;
using StatelessApp.Drills.Alerts;
using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Postgres;
using StatelessApp.TestKit.Prometheus;
using StatelessApp.TestKit.Stacks;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StatelessApp.Drills.Fixtures;

/// <summary>
/// The two-region stack the drills break. It runs the repository's topology with every region moved by 200 in the second
/// octet (127.1.x → 127.201.x, …) and its own state folder under the temp folder, so it collides neither with a stack a
/// developer started (`./stack up`, 127.1-3.x) nor with the stack tests (127.101-103.x).
/// </summary>
public sealed class DrillStackFixture : IAsyncLifetime, IDisposable
{
    private readonly IMessageSink _diagnostics;
    private readonly StringWriter _output = new();

    public DrillStackFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), Directory.CreateTempSubdirectory("statelessapp-drills-").FullName);
        Topology = StackTopology.LoadOnMovedRange(paths.TopologyFile, secondOctetOffset: 200);
        Controller = new StackController(paths, Topology, TextWriter.Synchronized(_output));
        // The load comes from one address (127.0.0.1) at the rate the machine allows; the flood tests set their own limits.
        RateLimitSettings.ApplyTo(Controller.Context.AppSettings, RateLimitSettings.OutOfTheWay);
    }

    public StackTopology Topology { get; }

    public StackController Controller { get; }

    /// <summary>Where the drill table goes: .stack/drills in the repository (ignored by git), not the temp stack folder.</summary>
    public string ResultsFolder => Path.Combine(Controller.Paths.RepositoryRoot, ".stack", "drills");

    public Node Dns => Topology.NodesOf(NodeKind.Dns)[0];

    /// <summary>Where each drill's timeline (image and data) goes: next to the table.</summary>
    public string TimelinesFolder => Path.Combine(ResultsFolder, "timelines");

    /// <summary>The drill stack's Prometheus, watching for the alerts each drill states; null when the stack runs without it.</summary>
    public AlertWatch? Alerts() => Controller.Nodes.FirstOrDefault(n => n.Kind == NodeKind.Prometheus) is { } prometheus
        ? new AlertWatch(new PrometheusClient(Stack.Servers.PrometheusServer.Url(prometheus)), Topology.MetricsInterval)
        : null;

    /// <summary>
    /// Superuser connection to one PostgreSQL node (no pooling, short timeouts): probes and history checks. Through the
    /// node's Unix socket: pg_hba refuses the superuser from the network.
    /// </summary>
    public string AdminConnectionString(Node postgres) => new NpgsqlConnectionStringBuilder(PatroniServer.SuperuserConnectionString(postgres, Controller.Context))
    {
        Pooling = false,
        Timeout = 1,
        CommandTimeout = 2,
    }.ConnectionString;

    /// <summary>The primary of <paramref name="kind"/>, polled until one answers (<see cref="StackPrimaries"/>).</summary>
    public Task<Node> PrimaryAsync(NodeKind kind, CancellationToken cancellationToken = default) =>
        Controller.AnsweringPrimaryAsync(kind, cancellationToken);

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await Controller.UpAsync(new UpOptions { Fresh = true });
            var primary = await PrimaryAsync(NodeKind.Postgres);
            // The first connection loads the type catalogue: on a loaded machine that took longer than the probes' 1 s.
            await using var connection = new NpgsqlConnection(AdminConnectionString(primary) + ";Timeout=15;Command Timeout=15");
            await connection.OpenAsync();
            // Written by the split-brain probe on every node that claims to be primary; replicated like everything else.
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS drill_probe (node text NOT NULL, at timestamptz NOT NULL DEFAULT now())", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch
        {
            Report($"stack up FAILED after {watch.Elapsed.TotalSeconds:0} s");
            await DisposeAsync();
            throw;
        }

        Report($"stack up in {watch.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>Starts whatever is stopped and waits until the whole stack is as after `up` (see <see cref="StackRestore"/>).</summary>
    public Task RestoreAsync() => Controller.RestoreAsync();

    /// <summary>
    /// Waits until every PostgreSQL standby has replayed what the primary had written when this was called. A standby an
    /// earlier drill restarted streams again (<see cref="RestoreAsync"/>) before it has caught up, and a checkout whose
    /// confirmation waits for it answers 503 meanwhile: the next drill's load must not start into that.
    /// </summary>
    public async Task StandbysCaughtUpAsync()
    {
        var primary = await PrimaryAsync(NodeKind.Postgres);
        await using var primaryConnection = new NpgsqlConnection(AdminConnectionString(primary));
        await primaryConnection.OpenAsync();
        foreach (var standby in Topology.NodesOf(NodeKind.Postgres).Where(n => n != primary))
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString(standby));
            await connection.OpenAsync();
            await StandbyReplay.WaitUntilCaughtUpAsync(primaryConnection, connection, standby.Name, TimeSpan.FromMinutes(1));
        }
    }

    public void Report(string message) =>
        _diagnostics.OnMessage(new DiagnosticMessage($"[drills] {message}"));

    public async Task DisposeAsync()
    {
        await Controller.DownAsync(quiet: true);
        KeepAppLogs();
        Controller.Dispose();
        try
        {
            Directory.Delete(Controller.Paths.StateRoot, recursive: true);
        }
        catch (IOException)
        {
            // A lingering PostgreSQL file must not fail the run; the temp folder is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Dispose() => _output.Dispose();

    /// <summary>The app instances' logs and the stack commands' output outlive the temp stack, next to the table: what a failed request was is in them.</summary>
    private void KeepAppLogs()
    {
        var folder = Path.Combine(ResultsFolder, "logs");
        Directory.CreateDirectory(folder);
        // The apps' logs, and the migrations' own (how long a `migrate` of an upgrade or rollback spent where).
        foreach (var name in Topology.NodesOf(NodeKind.App).Select(app => app.Name).Append("migrate"))
        {
            var log = Controller.Paths.LogOf(name);
            if (File.Exists(log))
            {
                File.Copy(log, Path.Combine(folder, name + ".log"), overwrite: true);
            }
        }

        // What the stack's commands printed (rollouts' per-instance times, rebuild steps): kept with the logs.
        File.WriteAllText(Path.Combine(folder, "stack-commands.log"), _output.ToString());
    }
}
