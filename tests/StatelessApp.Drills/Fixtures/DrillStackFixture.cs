using System.Diagnostics;
using Npgsql;
using StatelessApp.Stack;
using StatelessApp.Stack.Topology;
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
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromSeconds(90);
    private readonly IMessageSink _diagnostics;
    private readonly StringWriter _output = new();

    public DrillStackFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), Directory.CreateTempSubdirectory("statelessapp-drills-").FullName);
        var values = TopologyFile.Read(paths.TopologyFile).ToDictionary(kv => kv.Key, kv => MoveToDrillRange(kv.Value), StringComparer.Ordinal);
        Topology = StackTopology.FromValues(values);
        Controller = new StackController(paths, Topology, TextWriter.Synchronized(_output));
    }

    public StackTopology Topology { get; }

    public StackController Controller { get; }

    /// <summary>Where the drill table goes: .stack/drills in the repository (ignored by git), not the temp stack folder.</summary>
    public string ResultsFolder => Path.Combine(Controller.Paths.RepositoryRoot, ".stack", "drills");

    public Node Dns => Topology.NodesOf(NodeKind.Dns)[0];

    /// <summary>Superuser connection to one PostgreSQL node (no pooling, short timeouts): probes and history checks.</summary>
    public string AdminConnectionString(Node postgres) => new NpgsqlConnectionStringBuilder
    {
        Host = postgres.Address.ToString(),
        Port = postgres.Port,
        Database = "shop",
        Username = "postgres",
        Password = Controller.Context.Secrets.PostgresSuperuserPassword,
        Pooling = false,
        Timeout = 1,
        CommandTimeout = 2,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await Controller.UpAsync(new UpOptions { Fresh = true });
            await PrimaryOfAsync(NodeKind.Postgres, async primary =>
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString(primary));
                await connection.OpenAsync();
                // Written by the split-brain probe on every node that claims to be primary; replicated like everything else.
                await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS drill_probe (node text NOT NULL, at timestamptz NOT NULL DEFAULT now())", connection);
                await create.ExecuteNonQueryAsync();
            });
        }
        catch
        {
            Report($"stack up FAILED after {watch.Elapsed.TotalSeconds:0} s");
            await DisposeAsync();
            throw;
        }

        Report($"stack up in {watch.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>Starts whatever is stopped and waits until the whole stack is as after `up`: every node healthy, one
    /// PostgreSQL primary with its standby streaming, one Redis primary with its replica linked.</summary>
    public async Task RestoreAsync()
    {
        await Controller.StartAsync("all");
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var status = await Controller.StatusAsync();
            var problems = status.Where(s => !s.Probe.Healthy).Select(s => $"{s.Node.Name}: {s.Probe.Detail}").ToList();
            foreach (var kind in new[] { NodeKind.Postgres, NodeKind.Redis })
            {
                var nodes = status.Where(s => s.Node.Kind == kind).ToList();
                var primaries = nodes.Where(s => s.Probe.Role == "primary").ToList();
                if (primaries.Count != 1 || primaries[0].Probe.LinkedReplicas != nodes.Count - 1)
                {
                    problems.Add($"{kind}: {primaries.Count} primary(ies), {primaries.Sum(p => p.Probe.LinkedReplicas)} linked");
                }
            }

            if (problems.Count == 0)
            {
                problems.AddRange(await ProxiesNotServingTheirRegionAsync());
            }

            if (problems.Count == 0)
            {
                return;
            }

            if (watch.Elapsed > HealthyTimeout)
            {
                throw new InvalidOperationException($"stack not healthy {HealthyTimeout.TotalSeconds:0} s after restore: {string.Join("; ", problems)}");
            }

            await Task.Delay(300);
        }
    }

    /// <summary>
    /// Each proxy must route to its own region's instances again (they are only its backups' backups otherwise): the
    /// app probes can say "ready" before the proxies' health checks (2 successes, 500 ms apart) have taken them back.
    /// </summary>
    private async Task<List<string>> ProxiesNotServingTheirRegionAsync()
    {
        var problems = new List<string>();
        foreach (var proxy in Topology.NodesOf(NodeKind.Proxy))
        {
            for (var i = 0; i < 4; i++)
            {
                try
                {
                    using var response = await Controller.Context.Http.GetAsync(new Uri($"http://{proxy.Endpoint}/health/ready"));
                    var servedBy = response.Headers.TryGetValues("X-Served-By", out var values) ? values.First() : "";
                    if (!servedBy.StartsWith(proxy.Region + "/", StringComparison.Ordinal))
                    {
                        problems.Add($"{proxy.Name} routed to '{servedBy}' ({(int)response.StatusCode})");
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    problems.Add($"{proxy.Name}: {e.Message}");
                    break;
                }
            }
        }

        return problems;
    }

    /// <summary>The node of this kind whose probe says primary right now (null when none does).</summary>
    public async Task<Node?> CurrentPrimaryAsync(NodeKind kind)
    {
        var probes = await Controller.ProbeAllAsync(Topology.NodesOf(kind), CancellationToken.None);
        return probes.Where(p => p.Probe.Role == "primary").Select(p => p.Node).FirstOrDefault();
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

    /// <summary>The app instances' logs outlive the temp stack, next to the table: what a failed request was is in them.</summary>
    private void KeepAppLogs()
    {
        var folder = Path.Combine(ResultsFolder, "logs");
        Directory.CreateDirectory(folder);
        foreach (var app in Topology.NodesOf(NodeKind.App))
        {
            var log = Controller.Paths.LogOf(app.Name);
            if (File.Exists(log))
            {
                File.Copy(log, Path.Combine(folder, app.Name + ".log"), overwrite: true);
            }
        }
    }

    private async Task PrimaryOfAsync(NodeKind kind, Func<Node, Task> action) =>
        await action(await CurrentPrimaryAsync(kind) ?? throw new InvalidOperationException($"no {kind} primary"));

    /// <summary>127.1.x.y → 127.201.x.y (and the networks alike); other values unchanged.</summary>
    private static string MoveToDrillRange(string value)
    {
        foreach (var region in new[] { "1", "2", "3" })
        {
            if (value.StartsWith($"127.{region}.", StringComparison.Ordinal))
            {
                return $"127.20{region}." + value[$"127.{region}.".Length..];
            }
        }

        return value;
    }
}
