using System.Diagnostics;
using System.Net;
using StatelessApp.Stack;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Http;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StatelessApp.ComposeTests.Fixtures;

/// <summary>
/// Two regions and a witness on three hosts, deployed as docs/deploy.md "Two regions and a witness on three hosts"
/// tells a user to: three containers each running its own Docker engine and sshd (Debian's docker.io and
/// docker-compose 1.29), reached only over SSH as root with a key, on a bridge network of their own; one Swarm, all
/// three managers (step 2); the passwords and TLS material (step 3); deploy/deploy-region.sh with --etcd-only for w, a,
/// b, then w, a, b in full (step 5), then etcd's leadership moved to the witness. Two substitutions, named in the docs:
/// the overlay networks are created here without `--opt encrypted` (this kernel has no ESP/GCM), and the images are
/// built once here and loaded into each engine (`docker save | ssh docker load`, then deploy-region.sh --no-build):
/// the official base images cannot be pulled here. Everything it creates is named statelessapp-hosts-* and removed.
/// </summary>
public sealed class ThreeHostsFixture : IAsyncLifetime
{
    public const string Network = "statelessapp-hosts-net";

    /// <summary>The proxies' kind on these hosts: the one-host stack runs the topology's (HAProxy), so both kinds run in containers.</summary>
    public const string ProxyKind = "nginx";
    private const string HostImage = "statelessapp-hosts-engine";
    private const string Subnet = "10.164.0.0/24";

    /// <summary>The hosts' "public" addresses, on <see cref="Network"/>: A and B as in the docs' example, W the witness.</summary>
    public static readonly IReadOnlyDictionary<string, IPAddress> Hosts = new Dictionary<string, IPAddress>(StringComparer.Ordinal)
    {
        ["w"] = IPAddress.Parse("10.164.0.30"),
        ["a"] = IPAddress.Parse("10.164.0.10"),
        ["b"] = IPAddress.Parse("10.164.0.20"),
    };

    private static readonly Dictionary<string, string> SiteFiles = new(StringComparer.Ordinal)
    {
        ["w"] = "deploy/compose/witness.yml",
        ["a"] = "deploy/compose/region-a.yml",
        ["b"] = "deploy/compose/region-b.yml",
    };

    private readonly IMessageSink _diagnostics;
    private readonly string _work = Directory.CreateTempSubdirectory("statelessapp-hosts-").FullName;
    private readonly List<string> _phases = [];
    private DockerEngine? _engine;
    private IReadOnlyDictionary<string, string> _envValues = new Dictionary<string, string>(StringComparer.Ordinal);

    public ThreeHostsFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        Paths = new StackPaths(StackPaths.FindRepositoryRoot(), Path.Combine(_work, "state"));
        Topology = StackTopology.Load(Paths.TopologyFile);
    }

    public StackPaths Paths { get; }

    /// <summary>The topology every host runs (its own container addresses; clients reach only the published ports).</summary>
    public StackTopology Topology { get; }

    public string ResultsFolder => Path.Combine(Paths.RepositoryRoot, ".stack", "test-results", "StatelessApp.ComposeTests");

    /// <summary>How long each phase took, in order (docs/deploy.md reports them).</summary>
    public IReadOnlyList<string> Phases => _phases;

    /// <summary>What move-leader-to-witness.sh printed on the deploy's run.</summary>
    public string LeaderMove { get; private set; } = "";

    private string TlsFolder => Path.Combine(_work, "tls");

    private string SecretsFile => Path.Combine(_work, "secrets.env");

    /// <summary>A shopper reaching the app by its DNS name at each region host's public address, port 443.</summary>
    public RegionClients NewShopper() => new(Topology.Domain,
        StackTopology.DataRegions.ToDictionary(r => r, r => new IPEndPoint(Hosts[r], 443), StringComparer.Ordinal),
        CaTrust.ServerValidator(Path.Combine(TlsFolder, "ca.crt")));

    /// <summary>The witness's DNS server where the witness host publishes it.</summary>
    public Node PublishedDns => Topology.NodesOf(NodeKind.Dns).Single() with { Address = Hosts["w"] };

    public async Task InitializeAsync()
    {
        var total = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(ResultsFolder);
            _engine = await DockerEngine.EnsureRunningAsync(Path.Combine(ResultsFolder, "dockerd.log"), CancellationToken.None);
            await PhaseAsync("images built on the local Debian base (build-images.sh --local-base) and the host image", async () =>
            {
                await ScriptAsync(TimeSpan.FromMinutes(25), "deploy/images/build-images.sh", ["--local-base"], "three-hosts-images.log");
                // On the same local base, which build-images.sh made when missing.
                await RunAsync(TimeSpan.FromMinutes(15), "docker", ["build", "-q", "--build-arg", "BASE_IMAGE=statelessapp-debian:bookworm", "-t", HostImage,
                    Path.Combine(Paths.RepositoryRoot, "tests", "StatelessApp.ComposeTests", "Hosts")], "three-hosts-images.log");
            });
            await PhaseAsync("three hosts started, sshd and dockerd answering", StartHostsAsync);
            var images = await SiteImagesAsync();
            await PhaseAsync("each host's images loaded over ssh (docker save | ssh docker load, in parallel)", () =>
                Task.WhenAll(Hosts.Keys.Select(site => RunAsync(TimeSpan.FromMinutes(20), "bash",
                    ["-c", "docker save \"$@\" | ssh \"root@$0\" docker load", Hosts[site].ToString(), .. images[site]], $"three-hosts-load-{site}.log"))));
            await PhaseAsync("docs step 2: one Swarm, three managers; the overlay networks (not encrypted: no ESP here)", CreateSwarmAsync);
            await PhaseAsync("docs step 3: passwords and TLS material", async () =>
            {
                await GeneratedPasswords.WriteAsync(Paths.RepositoryRoot, SecretsFile);
                await ScriptAsync(TimeSpan.FromMinutes(2), "deploy/issue-certificates.sh",
                    ["--out", TlsFolder, "--public-name", Hosts["a"].ToString(), "--public-name", Hosts["b"].ToString()], "three-hosts-certificates.log");
            });
            await PhaseAsync("docs step 5: etcd on w, a, b (--etcd-only)", async () =>
            {
                foreach (var site in Hosts.Keys)
                {
                    await DeployAsync(site, "--etcd-only");
                }
            });
            foreach (var site in Hosts.Keys)
            {
                await PhaseAsync($"docs step 5: site {site} in full, healthy", () => DeployAsync(site));
            }

            await PhaseAsync("docs step 5: etcd's leadership moved to the witness", async () => LeaderMove = (await MoveLeaderToWitnessAsync()).Trim());
            Report($"deployed in {total.Elapsed.TotalSeconds:0} s: {string.Join("; ", _phases)}");
        }
        catch
        {
            await SaveLogsAsync("startup");
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>deploy/etcd/move-leader-to-witness.sh as docs/deploy.md runs it, from region A's etcd-auth container.</summary>
    public async Task<string> MoveLeaderToWitnessAsync()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(Paths.RepositoryRoot, "deploy", "etcd", "move-leader-to-witness.sh"));
        // docker-compose for docs' `docker compose`: Debian's 1.29 is what these hosts have.
        return await RunAsync(TimeSpan.FromMinutes(3), Ssh, [$"root@{Hosts["a"]}",
            "cd /opt/stateless && docker-compose -p stateless-a --env-file .env -f deploy/compose/region-a.yml run --rm -T --no-deps --entrypoint sh etcd-auth -s"],
            "three-hosts-deploy.log", script);
    }

    /// <summary>Saves each host's containers' logs and engine log under the results folder, for a failure's reader.</summary>
    public async Task SaveLogsAsync(string name)
    {
        foreach (var (site, address) in Hosts)
        {
            var logs = await CommandRunner.RunAsync(Ssh, [$"root@{address}",
                $"cd /opt/stateless 2>/dev/null && docker-compose -p stateless-{site} --env-file .env -f {SiteFiles[site]} logs --no-color --timestamps; tail -n 200 /var/log/dockerd.log"],
                TimeSpan.FromMinutes(2), ToolEnvironment);
            await File.WriteAllTextAsync(Path.Combine(ResultsFolder, $"three-hosts-{site}-{name}.log"), logs.Output);
        }
    }

    public async Task DisposeAsync()
    {
        // Everything this fixture created, whatever state it got to: the containers (and the engines inside them),
        // their volumes, the network. The temporary folder holds the key, the passwords and the TLS material.
        await CommandRunner.RunAsync("docker", ["rm", "-f", "-v", .. Hosts.Keys.Select(ContainerName)], TimeSpan.FromMinutes(3));
        await CommandRunner.RunAsync("docker", ["volume", "rm", "-f", .. Hosts.Keys.Select(VolumeName)], TimeSpan.FromMinutes(3));
        await CommandRunner.RunAsync("docker", ["network", "rm", Network], TimeSpan.FromMinutes(1));
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

    private static string ContainerName(string site) => $"statelessapp-hosts-{site}";

    private static string VolumeName(string site) => $"statelessapp-hosts-{site}-docker";

    /// <summary>
    /// The network, an SSH key (and the client settings a user keeps in ~/.ssh/config: this key, and the hosts' keys
    /// recorded on first contact), and three hosts each with its engine's data on a volume of its own (overlay2 cannot
    /// sit on the container's own overlayfs).
    /// </summary>
    private async Task StartHostsAsync()
    {
        var key = Path.Combine(_work, "id_ed25519");
        await RunAsync(TimeSpan.FromSeconds(30), "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "statelessapp-hosts-test", "-f", key], "three-hosts.log");
        var config = Path.Combine(_work, "ssh_config");
        await File.WriteAllTextAsync(config, $"Host *\n  IdentityFile {key}\n  IdentitiesOnly yes\n  UserKnownHostsFile {Path.Combine(_work, "known_hosts")}\n" +
            "  StrictHostKeyChecking accept-new\n  LogLevel ERROR\n");
        // ssh and scp on PATH read that file: what ~/.ssh/config gives a user's ssh (ssh ignores $HOME for it).
        var bin = Directory.CreateDirectory(Path.Combine(_work, "bin")).FullName;
        foreach (var tool in new[] { "ssh", "scp" })
        {
            var wrapper = Path.Combine(bin, tool);
            await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec /usr/bin/{tool} -F '{config}' \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        await RunAsync(TimeSpan.FromMinutes(1), "docker", ["network", "create", "--subnet", Subnet, Network], "three-hosts.log");
        foreach (var (site, address) in Hosts)
        {
            // Not --privileged: this machine's engine lacks CAP_SYS_RESOURCE, which --privileged asks for (runc: "unable
            // to apply caps"); every other capability, and the host's entrypoint makes /sys and its cgroups writable.
            await RunAsync(TimeSpan.FromMinutes(1), "docker", ["run", "-d", "--name", ContainerName(site), "--hostname", $"host-{site}",
                "--network", Network, "--ip", address.ToString(),
                "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm", "--tmpfs", "/run", "--tmpfs", "/tmp",
                "-v", $"{VolumeName(site)}:/var/lib/docker", "-v", $"{key}.pub:/root/.ssh/authorized_keys:ro", HostImage], "three-hosts.log");
        }

        await Task.WhenAll(Hosts.Values.Select(address => Poll.UntilAsync($"sshd and dockerd on {address}", async ct =>
            (await CommandRunner.RunAsync(Ssh, ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", $"root@{address}", "docker info --format '{{.ServerVersion}}'"],
                TimeSpan.FromSeconds(20), ToolEnvironment, cancellationToken: ct)).Succeeded, TimeSpan.FromMinutes(2), interval: TimeSpan.FromMilliseconds(500))));
    }

    /// <summary>The images each site's compose file names (docker-compose config, with the env file deploy-region.sh writes).</summary>
    private async Task<Dictionary<string, string[]>> SiteImagesAsync()
    {
        var env = Path.Combine(_work, "compose.env");
        await ScriptAsync(TimeSpan.FromMinutes(1), "deploy/compose/compose-env.sh",
            ["-o", env, "--public-a", Hosts["a"].ToString(), "--public-b", Hosts["b"].ToString(), "--http-port", "80", "--secrets-dir", "/opt/stateless/secrets"],
            "three-hosts.log");
        var images = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (site, file) in SiteFiles)
        {
            var config = await RunAsync(TimeSpan.FromMinutes(5), "docker-compose", ["--env-file", env, "-f", file, "config"], "three-hosts.log");
            images[site] = [.. config.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("image: ", StringComparison.Ordinal))
                .Select(l => l["image: ".Length..].Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        // The env file is the topology's KEY=VALUE format (compose, bash and the controller read it alike).
        _envValues = TopologyFile.Read(env);
        return images;
    }

    /// <summary>
    /// docs/deploy.md step 2 as written (root@ for deploy@), then the three overlay networks deploy-region.sh would create,
    /// the same but without `--opt encrypted`: this kernel has no ESP/GCM (IPsec), so encrypted overlays cannot carry
    /// traffic here. deploy-region.sh leaves networks that exist alone.
    /// </summary>
    private async Task CreateSwarmAsync()
    {
        // No log file, and init's output dropped: `swarm init` prints a join token.
        const string Step2 = """
            ssh "root@$W_IP" docker swarm init --advertise-addr "$W_IP" >/dev/null
            TOKEN=$(ssh "root@$W_IP" docker swarm join-token -q manager)
            ssh "root@$A_IP" docker swarm join --advertise-addr "$A_IP" --token "$TOKEN" "$W_IP:2377"
            ssh "root@$B_IP" docker swarm join --advertise-addr "$B_IP" --token "$TOKEN" "$W_IP:2377"
            ssh "root@$W_IP" docker node ls
            """;
        var environment = new Dictionary<string, string>(ToolEnvironment)
        {
            ["W_IP"] = Hosts["w"].ToString(),
            ["A_IP"] = Hosts["a"].ToString(),
            ["B_IP"] = Hosts["b"].ToString(),
        };
        var result = await CommandRunner.RunAsync("bash", ["-euo", "pipefail", "-c", Step2], TimeSpan.FromMinutes(3), environment);
        if (!result.Succeeded || result.Output.Split('\n').Count(l => l.Contains("Leader", StringComparison.Ordinal) || l.Contains("Reachable", StringComparison.Ordinal)) != 3)
        {
            throw new InvalidOperationException($"docs step 2 did not make three managers:{Environment.NewLine}{result.Output}");
        }

        foreach (var (name, key) in new[] { ("stateless-region-a", "A_NETWORK"), ("stateless-region-b", "B_NETWORK"), ("stateless-witness", "W_NETWORK") })
        {
            await RunAsync(TimeSpan.FromMinutes(1), Ssh, [$"root@{Hosts["w"]}",
                $"docker network create --driver overlay --attachable --subnet {_envValues[key]} --ip-range {_envValues[key + "_DYNAMIC"]} {name}"], "three-hosts.log");
        }
    }

    /// <summary>deploy/deploy-region.sh for one site, as docs/deploy.md step 5 runs it (root@, this run's passwords and TLS material).</summary>
    private Task<string> DeployAsync(string site, params string[] more) =>
        ScriptAsync(TimeSpan.FromMinutes(15), "deploy/deploy-region.sh",
            ["--region", site, "--host", $"root@{Hosts[site]}", "--public-a", Hosts["a"].ToString(), "--public-b", Hosts["b"].ToString(),
                "--secrets", SecretsFile, "--tls", TlsFolder, "--no-build", .. more], "three-hosts-deploy.log");

    /// <summary>The ssh wrapper by its path: a child's PATH does not decide which program .NET starts.</summary>
    private string Ssh => Path.Combine(_work, "bin", "ssh");

    /// <summary>
    /// What every command here runs with: the ssh wrappers first on PATH, and the proxy kind in the environment, which
    /// deploy-region.sh's env file takes over the topology's (as compose-env.sh documents).
    /// </summary>
    private Dictionary<string, string> ToolEnvironment => new(StringComparer.Ordinal)
    {
        ["PATH"] = $"{Path.Combine(_work, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
        ["STACK_PROXY_KIND"] = ProxyKind,
    };

    private async Task PhaseAsync(string name, Func<Task> phase)
    {
        var watch = Stopwatch.StartNew();
        await phase();
        _phases.Add($"{name}: {watch.Elapsed.TotalSeconds:0} s");
        Report($"{name}: {watch.Elapsed.TotalSeconds:0} s");
    }

    private Task<string> ScriptAsync(TimeSpan timeout, string script, IReadOnlyList<string> arguments, string logName) =>
        RunAsync(timeout, "bash", [Path.Combine(Paths.RepositoryRoot, script), .. arguments], logName);

    private async Task<string> RunAsync(TimeSpan timeout, string command, IReadOnlyList<string> arguments, string logName, string? standardInput = null)
    {
        var result = await CommandRunner.RunAsync(command, arguments, timeout, ToolEnvironment, standardInput, Paths.RepositoryRoot,
            Path.Combine(ResultsFolder, logName));
        return result.OutputOrThrow($"{command} {string.Join(' ', arguments.Take(3))}");
    }

    private void Report(string message) => _diagnostics.OnMessage(new DiagnosticMessage($"[three hosts] {message}"));
}
