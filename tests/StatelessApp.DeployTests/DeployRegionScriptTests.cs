using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/deploy-region.sh: the dry run prints the exact command sequence and contacts nothing; bad arguments are
/// refused with a clear message; no password is ever printed; against stand-in ssh/scp/curl the env file and the
/// site's secrets reach the host only on stdin, each host only its own, and a failing step stops the run, named.
/// </summary>
public sealed partial class DeployRegionScriptTests : IDisposable, IAsyncLifetime
{
    private const string Script = "deploy/deploy-region.sh";
    private const string PublicA = "203.0.113.10";
    private const string PublicB = "198.51.100.20";
    private const string Ssh = "ssh -o BatchMode=yes -o ConnectTimeout=10";

    private readonly FakeTools _tools = new();
    private readonly TestSecrets _secrets = new();

    private string _tls = "";

    public void Dispose() => _tools.Dispose();

    public async Task InitializeAsync() => _tls = (await DeploymentMaterial.GetAsync()).Tls;

    public Task DisposeAsync() => Task.CompletedTask;

    private string[] Arguments(string region, string host, params string[] more) =>
        ["--region", region, "--host", host, "--public-a", PublicA, "--public-b", PublicB, "--tls", _tls, .. more];

    private Task<CommandResult> RunAsync(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        CommandLine.BashAsync(Script, arguments, _tools.Environment(environment ?? _secrets.AsEnvironment()), DeploymentMaterial.ScriptTimeout);

    /// <summary>
    /// The printed commands, with the run's temporary folder written as $WORK. The repository itself may be a `mktemp -d`
    /// folder too (CI clones into one): it is set aside first, so only the script's own folder becomes $WORK.
    /// </summary>
    private static List<string> PrintedCommands(CommandResult result) =>
        [.. result.StandardOutput.Split('\n').Where(l => l.StartsWith("+ ", StringComparison.Ordinal)).Select(l => WithWorkFolderNamed(l[2..]))];

    private static string WithWorkFolderNamed(string command)
    {
        const string RepositoryMarker = "\u0000repository\u0000";
        var repositorySetAside = command.Replace(Repository.Root, RepositoryMarker, StringComparison.Ordinal);
        return TemporaryFolder().Replace(repositorySetAside, "$WORK").Replace(RepositoryMarker, Repository.Root, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"/tmp/tmp\.[A-Za-z0-9]+")]
    private static partial Regex TemporaryFolder();

    private IEnumerable<string> ExpectedCommands(string region, string host, string publicAddress)
    {
        var composeFile = region == StackTopology.WitnessRegion ? "deploy/compose/witness.yml" : $"deploy/compose/region-{region}.yml";
        var compose = $"docker compose -p stateless-{region} --env-file .env -f {composeFile}";
        var services = region == StackTopology.WitnessRegion ? 5 : 11;
        yield return $"deploy/compose/compose-env.sh -o $WORK/env --public-a {PublicA} --public-b {PublicB} --http-port 80 --secrets-dir /opt/stateless/secrets";
        yield return $"deploy/compose/site-secrets.sh --site {region} --tls {_tls} --env $WORK/env -o $WORK/secrets";
        yield return $"{Ssh} {host} 'if docker compose version >/dev/null 2>&1; then echo '\\''docker compose'\\''; elif docker-compose version >/dev/null 2>&1; then echo docker-compose; else echo '\\''this host has neither docker compose nor docker-compose: see docs/deploy.md'\\'' >&2; exit 1; fi; test \"$(docker info --format '\\''{{{{.Swarm.ControlAvailable}}}}'\\'')\" = true || {{ echo '\\''this host is not a Docker Swarm manager: see docs/deploy.md'\\'' >&2; exit 1; }}'";
        yield return $"{Ssh} {host} 'test \"$(id -u)\" -eq 0 || sudo -n true || {{ echo '\\''the SSH user is neither root nor allowed passwordless sudo: see docs/deploy.md'\\'' >&2; exit 1; }}'";
        foreach (var site in Repository.Topology.Regions)
        {
            var network = site.IsWitness ? "stateless-witness" : $"stateless-region-{site.Name}";
            yield return $"{Ssh} {host} 'docker network inspect {network} >/dev/null 2>&1 || docker network create --driver overlay --attachable --opt encrypted --subnet {ContainerAddress.Of(site.Network)} --ip-range {ContainerAddress.DynamicRangeOf(site.Network)} {network}'";
        }

        yield return RepositoryFiles.IsGitWorkTree(Repository.Root)
            ? $"git -C {Repository.Root} archive --format=tar.gz -o $WORK/bundle.tar.gz HEAD"
            : $"tar -czf $WORK/bundle.tar.gz -C {Repository.Root} --exclude=./.git --exclude=bin --exclude=obj --exclude=.stack --exclude=TestResults --exclude=artifacts --exclude=.vs --exclude=.idea --exclude=.env --exclude=secrets .";
        yield return $"scp -q -o BatchMode=yes -o ConnectTimeout=10 $WORK/bundle.tar.gz {host}:/tmp/stateless-bundle.tar.gz";
        yield return $"{Ssh} {host} 'mkdir -p /opt/stateless && tar -xzf /tmp/stateless-bundle.tar.gz -C /opt/stateless && rm -f /tmp/stateless-bundle.tar.gz'";
        yield return $"{Ssh} {host} 'umask 077 && cat > /opt/stateless/.env' < (env file: topology, no password)";
        yield return $"{Ssh} {host} 'as_root=; test \"$(id -u)\" -eq 0 || as_root='\\''sudo -n'\\''; $as_root sh -c '\\''umask 077 && rm -rf /opt/stateless/secrets.new && mkdir -p /opt/stateless/secrets.new /opt/stateless/secrets && tar -xzf - -C /opt/stateless/secrets.new && for old in /opt/stateless/secrets/*/; do test -d \"$old\" || continue; test -d /opt/stateless/secrets.new/$(basename \"$old\") || rm -rf \"$old\"; done && for new in /opt/stateless/secrets.new/*/; do service=$(basename \"$new\"); mkdir -p /opt/stateless/secrets/$service && find /opt/stateless/secrets/$service -mindepth 1 -delete && cp -a \"$new.\" /opt/stateless/secrets/$service/ || exit 1; done && rm -rf /opt/stateless/secrets.new && bash /opt/stateless/deploy/compose/site-secrets.sh --owners-only /opt/stateless/secrets --env /opt/stateless/.env'\\''' < (secrets of site {region}: {services} service folders, not shown)";
        yield return $"{Ssh} {host} 'cd /opt/stateless && {compose} up -d --build --wait --wait-timeout 600'";
        yield return $"{Ssh} {host} 'cd /opt/stateless && {compose} ps'";
        if (region != StackTopology.WitnessRegion)
        {
            yield return $"curl -fsS --max-time 10 --cacert {_tls}/ca.crt -o /dev/null -w '%{{http_code}} from https://{publicAddress}/health/ready\\n' https://{publicAddress}/health/ready";
        }
    }

    [Theory]
    [InlineData("a", "root@203.0.113.10", PublicA)]
    [InlineData("b", "deploy@198.51.100.20", PublicB)]
    [InlineData("w", "witness.example.net", "")]
    public async Task The_dry_run_prints_the_command_sequence_and_contacts_nothing(string region, string host, string publicAddress)
    {
        var result = await RunAsync([.. Arguments(region, host), "--dry-run"]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(ExpectedCommands(region, host, publicAddress), PrintedCommands(result));
        Assert.Empty(_tools.Calls);
        Assert.Contains("dry run complete, nothing was run", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The first deploy's first pass: the same preparation, then the site's etcd member alone, waiting for nothing (a lone member of a new cluster serves no client until a second one is up).</summary>
    [Theory]
    [InlineData("w", "deploy@192.0.2.30")]
    [InlineData("a", "root@203.0.113.10")]
    public async Task With_etcd_only_the_run_starts_the_sites_etcd_member_alone_and_waits_for_nothing(string region, string host)
    {
        var result = await RunAsync([.. Arguments(region, host), "--etcd-only", "--dry-run"]);

        Assert.True(result.Succeeded, result.ToString());
        var composeFile = region == StackTopology.WitnessRegion ? "deploy/compose/witness.yml" : $"deploy/compose/region-{region}.yml";
        var compose = $"docker compose -p stateless-{region} --env-file .env -f {composeFile}";
        var full = ExpectedCommands(region, host, "").ToList();
        var preparation = full.TakeWhile(c => !c.Contains(" up -d ", StringComparison.Ordinal));
        Assert.Equal(
            [.. preparation, $"{Ssh} {host} 'cd /opt/stateless && {compose} up -d --build --no-deps etcd-{region}'", $"{Ssh} {host} 'cd /opt/stateless && {compose} ps etcd-{region}'"],
            PrintedCommands(result));
        Assert.Empty(_tools.Calls);
    }

    [Fact]
    public async Task With_a_public_certificate_the_proxies_get_it_in_their_secrets_and_nothing_is_printed()
    {
        var certificate = Path.Combine(_tools.Folder, "fullchain.pem");
        var key = Path.Combine(_tools.Folder, "privkey.pem");
        await File.WriteAllTextAsync(certificate, "-----BEGIN CERTIFICATE-----\ncertificate-body\n-----END CERTIFICATE-----\n");
        await File.WriteAllTextAsync(key, "-----BEGIN PRIVATE KEY-----\nkey-body\n-----END PRIVATE KEY-----\n");

        var result = await RunAsync([.. Arguments("a", "root@203.0.113.10", "--tls-cert", certificate, "--tls-key", key), "--dry-run"]);

        Assert.True(result.Succeeded, result.ToString());
        var commands = PrintedCommands(result);
        Assert.Equal($"deploy/compose/site-secrets.sh --site a --tls {_tls} --env $WORK/env -o $WORK/secrets --proxy-cert {certificate} --proxy-key {key}", commands[1]);
        Assert.StartsWith($"curl -fsS --max-time 10 -o /dev/null", commands[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("key-body", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_password_appears_in_any_output_whether_from_the_environment_or_a_file()
    {
        var fromEnvironment = await RunAsync([.. Arguments("a", "root@203.0.113.10"), "--dry-run"]);
        var secretsFile = Path.Combine(_tools.Folder, "secrets.env");
        await File.WriteAllLinesAsync(secretsFile, _secrets.Values.Select(p => $"{p.Key}={p.Value}"));
        var fromFile = await RunAsync([.. Arguments("b", "root@198.51.100.20", "--secrets", secretsFile), "--dry-run"], TestSecrets.NoneSet());

        Assert.True(fromEnvironment.Succeeded, fromEnvironment.ToString());
        Assert.True(fromFile.Succeeded, fromFile.ToString());
        Assert.Empty(_secrets.FoundIn(fromEnvironment.Output));
        Assert.Empty(_secrets.FoundIn(fromFile.Output));
    }

    [Theory]
    [InlineData("a", "pg-a")]
    [InlineData("w", "redis-w")]
    public async Task Against_stand_in_hosts_the_env_file_and_only_the_sites_secrets_travel_on_stdin(string region, string oneOfItsServices)
    {
        var result = await RunAsync(Arguments(region, "root@203.0.113.10"));

        Assert.True(result.Succeeded, result.ToString());
        var calls = _tools.Calls;
        string[] tools = ["ssh", "ssh", "ssh", "ssh", "ssh", "scp", "ssh", "ssh", "ssh", "ssh", "ssh"];
        Assert.Equal(region == "w" ? tools : [.. tools, "curl"], calls.Select(c => c.Split(' ')[0]));
        var envCall = calls.ToList().FindIndex(c => c.Contains("cat > /opt/stateless/.env", StringComparison.Ordinal)) + 1;
        var delivered = GeneratedComposeEnv.ReadEnvFile(WriteTemporary(_tools.StandardInputOf(envCall)));
        Assert.Equal(PublicA, delivered["PUBLIC_A_PROXY"]);
        Assert.Equal("/opt/stateless/secrets", delivered["SECRETS_DIR"]);
        Assert.Empty(_secrets.FoundIn(_tools.StandardInputOf(envCall)));

        var secretsCall = calls.ToList().FindIndex(c => c.Contains("--owners-only", StringComparison.Ordinal)) + 1;
        var folders = TopFolders(_tools.StandardInputFileOf(secretsCall));
        Assert.Contains(oneOfItsServices, folders);
        Assert.Equal(region == "w" ? ["etcd-w", "prometheus-w", "redis-exporter-w", "redis-w", "sentinel-w"] : folders.Where(f => !f.EndsWith("-w", StringComparison.Ordinal)).ToList(), folders);
        Assert.Empty(_secrets.FoundIn(string.Join('\n', calls)));
        Assert.Empty(_secrets.FoundIn(result.Output));
        Assert.Contains($"region {region}: up and healthy", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A host with only Debian's docker-compose 1.29 (no `up --wait`): `up -d`, then the health poll the bundle carries, both within --timeout.</summary>
    [Fact]
    public async Task On_a_host_with_docker_compose_1_29_the_run_polls_health_instead_of_up_wait()
    {
        var environment = _secrets.AsEnvironment();
        environment["FAKE_COMPOSE"] = "docker-compose";

        var result = await RunAsync([.. Arguments("b", "root@198.51.100.20"), "--timeout", "300", "--no-build"], environment);

        Assert.True(result.Succeeded, result.ToString());
        const string Compose = "docker-compose -p stateless-b --env-file .env -f deploy/compose/region-b.yml";
        const string OnHost = "ssh -o BatchMode=yes -o ConnectTimeout=10 root@198.51.100.20 cd /opt/stateless && ";
        Assert.Contains($"{OnHost}timeout 300 {Compose} up -d --no-build && sh deploy/compose/wait-healthy.sh stateless-b 300", _tools.Calls);
        Assert.Contains($"{OnHost}{Compose} ps", _tools.Calls);
        Assert.DoesNotContain(_tools.Calls, c => c.Contains("--wait", StringComparison.Ordinal) || c.Contains("docker compose -p", StringComparison.Ordinal));
        Assert.Contains("compose on the host: docker-compose", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_step_stops_the_run_and_is_named()
    {
        var environment = _secrets.AsEnvironment();
        environment["FAKE_FAIL_MATCH"] = "docker network inspect stateless-region-b";

        var result = await RunAsync(Arguments("a", "root@203.0.113.10"), environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("deploy-region.sh: step 4 failed (exit 7): ssh", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(_tools.Calls, c => c.StartsWith("scp", StringComparison.Ordinal));
    }

    public static TheoryData<string[], string> RefusedArguments => new()
    {
        { [], "--region is required" },
        { ["--region", "c", "--host", "h", "--public-a", PublicA, "--public-b", PublicB], "--region must be a, b or w, not 'c'" },
        { ["--region", "a", "--public-a", PublicA, "--public-b", PublicB], "--host is required" },
        { ["--region", "a", "--host", "root@bad host"], "--host 'root@bad host' is not [USER@]HOST" },
        { ["--region", "a", "--host", "h", "--public-b", PublicB], "--public-a is required" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA], "--public-b is required" },
        { ["--region", "a", "--host", "h", "--public-a", "203.0.113.256", "--public-b", PublicB], "--public-a '203.0.113.256' is not an IPv4 address" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicA], "--public-a and --public-b are the same address" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicB, "--dir", "relative/path"], "--dir 'relative/path' must be an absolute path" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicB, "--tls-cert", "/etc/hostname"], "--tls-cert and --tls-key go together" },
        { ["--region", "w", "--host", "h", "--public-a", PublicA, "--public-b", PublicB, "--tls-cert", "/etc/hostname", "--tls-key", "/etc/hostname"], "the witness has no proxy" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicB, "--timeout", "soon"], "--timeout 'soon' must be a number of seconds" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicB, "--secrets", "/nonexistent/secrets.env"], "cannot read the secrets file /nonexistent/secrets.env" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicB], "--tls DIR is required" },
        { ["--region", "a", "--host", "h", "--public-a", PublicA, "--public-b", PublicB, "--tls", "/nonexistent"], "/nonexistent has no ca.crt" },
        { ["--region"], "--region needs a value" },
        { ["--region", "--dry-run"], "--region needs a value" },
        { ["--dryrun"], "unknown argument '--dryrun'" },
    };

    [Theory]
    [MemberData(nameof(RefusedArguments))]
    public async Task Missing_or_malformed_arguments_are_refused_with_a_clear_message(string[] arguments, string message)
    {
        var result = await RunAsync([.. arguments, "--dry-run"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("deploy-region.sh: " + message, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("deploy/deploy-region.sh -h", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(_tools.Calls);
    }

    [Fact]
    public async Task A_missing_password_is_refused_by_name_without_printing_the_others()
    {
        var environment = _secrets.AsEnvironment();
        environment["ETCD_ROOT_PASSWORD"] = null;

        var result = await RunAsync([.. Arguments("a", "h"), "--dry-run"], environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("deploy-region.sh: missing password(s) for site a: ETCD_ROOT_PASSWORD", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(_secrets.FoundIn(result.Output));
    }

    [Fact]
    public async Task Help_describes_every_option()
    {
        var result = await RunAsync(["-h"]);

        Assert.True(result.Succeeded, result.ToString());
        foreach (var option in new[] { "--region", "--host", "--public-a", "--public-b", "--tls", "--secrets", "--dir", "--tls-cert", "--tls-key", "--ca-bundle", "--timeout", "--no-build", "--etcd-only", "--dry-run" })
        {
            Assert.Contains(option, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    /// <summary>The top-level folders of a .tar.gz.</summary>
    private static List<string> TopFolders(string archive)
    {
        using var file = File.OpenRead(archive);
        using var unzipped = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new System.Formats.Tar.TarReader(unzipped);
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            var top = entry.Name.TrimStart('.', '/').Split('/')[0];
            if (top.Length > 0)
            {
                folders.Add(top);
            }
        }

        return [.. folders];
    }

    private string WriteTemporary(string content)
    {
        var path = Path.Combine(_tools.Folder, "delivered.env");
        File.WriteAllText(path, content);
        return path;
    }
}
