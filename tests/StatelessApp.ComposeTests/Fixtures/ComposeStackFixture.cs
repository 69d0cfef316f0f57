using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StatelessApp.Stack;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Load;
using Xunit.Abstractions;
using Xunit.Sdk;
using StatelessApp.TestKit.Http;

namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>
/// The one-host compose stack, brought up as docs/deploy.md tells a user to ("Try it on one Docker host"): passwords,
/// the env file from compose-env.sh, the TLS material, each service's secret files, then docker-compose.yml with the
/// images built on the local Debian base (no registry here). It runs the repository's topology moved by 160 in the
/// second octet, so it publishes on 127.161-163.x (next to the local stacks of the other suites and a developer's
/// `./stack up`) and its networks are 10.161-163.0.0/16. Everything lives in a temporary folder; `down -v` at the end.
/// </summary>
public sealed class ComposeStackFixture : IAsyncLifetime
{
    public const int SecondOctetOffset = 160;

    private readonly string _project = "statelessapp-compose-tests";
    private readonly IMessageSink _diagnostics;
    private readonly string _work = Directory.CreateTempSubdirectory("statelessapp-compose-tests-").FullName;
    private readonly List<string> _composeFiles = [];
    private DockerEngine? _engine;
    private string _envFile = "";
    private IReadOnlyList<string> _services = [];

    public ComposeStackFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        Paths = new StackPaths(StackPaths.FindRepositoryRoot(), Path.Combine(_work, "state"));
        Topology = StackTopology.LoadOnMovedRange(Paths.TopologyFile, SecondOctetOffset);
    }

    public StackPaths Paths { get; }

    /// <summary>The topology the containers run, by the addresses the host reaches them at (the published ones).</summary>
    public StackTopology Topology { get; }

    public string CaCertificateFile => Path.Combine(_work, "tls", "ca.crt");

    /// <summary>Where tests/run keeps this project's results: the containers' logs go there when a test fails.</summary>
    public string ResultsFolder => Path.Combine(Paths.RepositoryRoot, ".stack", "test-results", "StatelessApp.ComposeTests");

    /// <summary>A shopper reaching the app by its DNS name through either region's proxy, trusting the deployment CA only.</summary>
    public RegionClients NewShopper() => new(Topology, CaTrust.ServerValidator(CaCertificateFile));

    public async Task InitializeAsync()
    {
        try
        {
            Directory.CreateDirectory(ResultsFolder);
            _engine = await DockerEngine.EnsureRunningAsync(Path.Combine(ResultsFolder, "dockerd.log"), CancellationToken.None);
            Report(_engine.StartedHere ? "dockerd started for these tests" : "using the Docker engine already running");

            var watch = Stopwatch.StartNew();
            await ScriptAsync(TimeSpan.FromMinutes(25), "deploy/images/build-images.sh", ["--local-base"], "build-images.log");
            // docs/deploy.md reports both times.
            Report($"images built in {watch.Elapsed.TotalSeconds:0} s");

            watch.Restart();
            await PrepareAsync();
            await ComposeAsync(TimeSpan.FromMinutes(10), "up", "-d");
            await WaitUntilHealthyAsync(TimeSpan.FromMinutes(5));
            Report($"every service healthy {watch.Elapsed.TotalSeconds:0} s after the first step of docs/deploy.md");
        }
        catch
        {
            await SaveLogsAsync("startup");
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>The docs' steps 1-3: passwords, the env file, TLS material, each service's secret files.</summary>
    private async Task PrepareAsync()
    {
        // The topology moved out of the way; connections from the Docker host reach the proxies through docker-proxy,
        // from the networks' gateways, so the edge limits exempt the container space (as the stack tests exempt 127.0.0.1).
        var topology = new Dictionary<string, string>(StackTopology.ReadOnMovedRange(Paths.TopologyFile, SecondOctetOffset), StringComparer.Ordinal)
        {
            ["EDGE_LIMIT_EXEMPT"] = "10.160.0.0/11",
        };
        var topologyFile = Path.Combine(_work, "topology.env");
        await File.WriteAllLinesAsync(topologyFile, topology.Select(kv => $"{kv.Key}={kv.Value}"));

        // Step 1: every password of deploy/secrets.env.example, random, in a file only root reads.
        var passwords = Path.Combine(_work, "secrets.env");
        await GeneratedPasswords.WriteAsync(Paths.RepositoryRoot, passwords);

        var env = Path.Combine(_work, "compose.env");
        var secrets = Path.Combine(_work, "secrets");
        await ScriptAsync(TimeSpan.FromMinutes(1), "deploy/compose/compose-env.sh",
            ["-o", env, "--topology", topologyFile, "--secrets-dir", secrets], "compose-env.log",
            new Dictionary<string, string> { ["COMPOSE_ADDRESS_BASE"] = "10.0.0.0" });
        await ScriptAsync(TimeSpan.FromMinutes(2), "deploy/issue-certificates.sh", ["--out", Path.Combine(_work, "tls"), "--env", env], "certificates.log");
        await ScriptAsync(TimeSpan.FromMinutes(1), "deploy/compose/site-secrets.sh",
            ["--site", "all", "--tls", Path.Combine(_work, "tls"), "--passwords", passwords, "--env", env, "-o", secrets], "site-secrets.log");

        // The one change to the shipped files: the apps' own limits out of the way, as for every stack test (all the
        // tests' shoppers share one client address).
        var overrides = new StringBuilder("services:\n");
        foreach (var app in Topology.NodesOf(NodeKind.App))
        {
            overrides.Append(CultureInfo.InvariantCulture, $"  {app.Name}:\n    environment:\n");
            foreach (var (key, value) in RateLimitSettings.OutOfTheWay)
            {
                overrides.Append(CultureInfo.InvariantCulture, $"      {key.Replace(":", "__", StringComparison.Ordinal)}: \"{value}\"\n");
            }
        }

        var overrideFile = Path.Combine(_work, "tests.override.yml");
        await File.WriteAllTextAsync(overrideFile, overrides.ToString());
        _composeFiles.AddRange([Path.Combine(Paths.RepositoryRoot, "docker-compose.yml"), overrideFile]);
        _envFile = env;
        // docker-compose 1.29 is a Python program: on a busy machine even `config` takes tens of seconds, so once.
        _services = [.. (await ComposeAsync(TimeSpan.FromMinutes(5), "config", "--services"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Runs docker-compose on this stack (project, env file, files); its output, or a failure naming the command.</summary>
    public async Task<string> ComposeAsync(TimeSpan timeout, params string[] arguments)
    {
        var all = new List<string> { "-p", _project, "--env-file", _envFile };
        foreach (var file in _composeFiles)
        {
            all.AddRange(["-f", file]);
        }

        all.AddRange(arguments);
        var result = await CommandRunner.RunAsync("docker-compose", all, timeout, workingDirectory: Paths.RepositoryRoot,
            logFile: Path.Combine(ResultsFolder, "compose.log"));
        return result.OutputOrThrow($"docker-compose {string.Join(' ', arguments)}");
    }

    /// <summary>Every container of this stack: its service, state and health (running + healthy, or a job exited 0).</summary>
    public async Task<IReadOnlyList<ContainerState>> ContainersAsync(string? region = null)
    {
        var filters = new List<string> { "ps", "-aq", "--filter", $"label=com.docker.compose.project={_project}" };
        if (region is not null)
        {
            filters.AddRange(["--filter", $"label=stateless.region={region}"]);
        }

        var ids = (await DockerEngine.RunAsync(TimeSpan.FromSeconds(30), [.. filters]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
        {
            return [];
        }

        // The state as JSON: a job without a health check has no Health, which a Go template cannot test for on every client.
        var lines = await DockerEngine.RunAsync(TimeSpan.FromSeconds(30), ["inspect", "--format",
            "{{.Id}}|{{index .Config.Labels \"com.docker.compose.service\"}}|{{json .State}}", .. ids]);
        return [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|', 3))
            .Select(f => ContainerState.Parse(f[0], f[1], f[2]))];
    }

    /// <summary>Waits until every service of the compose files has a container that is healthy or a job that succeeded.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        await Poll.UntilAsync("every service healthy (the jobs exited 0)", async _ =>
            {
                var containers = await ContainersAsync();
                var failedJob = containers.FirstOrDefault(c => c.Status == "exited" && c.Health.Length == 0 && c.ExitCode != 0);
                if (failedJob is not null)
                {
                    throw new InvalidOperationException($"the job {failedJob.Service} exited with {failedJob.ExitCode}");
                }

                return _services.Where(s => !containers.Any(c => c.Service == s && c.IsDone)).Order(StringComparer.Ordinal).ToList();
            },
            notDone => notDone.Count == 0, timeout, interval: TimeSpan.FromSeconds(1));
    }

    /// <summary>Saves every container's log (docker-compose logs) under the results folder, for a failure's reader.</summary>
    public async Task SaveLogsAsync(string name)
    {
        if (_envFile.Length == 0)
        {
            return;
        }

        try
        {
            var logs = await ComposeAsync(TimeSpan.FromMinutes(2), "logs", "--no-color", "--timestamps");
            await File.WriteAllTextAsync(Path.Combine(ResultsFolder, $"containers-{name}.log"), logs);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Report($"could not save the containers' logs: {e.Message}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_envFile.Length > 0)
        {
            try
            {
                await ComposeAsync(TimeSpan.FromMinutes(5), "down", "-v", "--remove-orphans");
                _envFile = "";
            }
            catch (InvalidOperationException e)
            {
                Report($"down -v failed: {e.Message}");
            }
        }

        if (_engine is not null)
        {
            await _engine.DisposeAsync();
            _engine = null;
        }

        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private async Task ScriptAsync(TimeSpan timeout, string script, IReadOnlyList<string> arguments, string logName,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await CommandRunner.RunAsync("bash", [Path.Combine(Paths.RepositoryRoot, script), .. arguments], timeout,
            environment, workingDirectory: Paths.RepositoryRoot, logFile: Path.Combine(ResultsFolder, logName));
        result.OutputOrThrow(script);
    }

    private void Report(string message) => _diagnostics.OnMessage(new DiagnosticMessage($"[compose tests] {message}"));
}

/// <summary>One container of the compose stack as <c>docker inspect</c> shows it.</summary>
public sealed record ContainerState(string Id, string Service, string Status, int ExitCode, string Health)
{
    /// <summary>From <c>docker inspect</c>'s .State as JSON (Health absent or null without a health check).</summary>
    public static ContainerState Parse(string id, string service, string stateJson)
    {
        var state = JsonSerializer.Deserialize<InspectedState>(stateJson) ?? throw new FormatException($"no container state in '{stateJson}'");
        return new ContainerState(id, service, state.Status, state.ExitCode, state.Health?.Status ?? "");
    }

    private sealed record InspectedState(string Status, int ExitCode, InspectedHealth? Health);

    private sealed record InspectedHealth(string Status);

    /// <summary>Running and healthy, or a one-shot job (no health check) that exited 0.</summary>
    public bool IsDone => (Status == "running" && Health == "healthy") || (Status == "exited" && Health.Length == 0 && ExitCode == 0);
}
