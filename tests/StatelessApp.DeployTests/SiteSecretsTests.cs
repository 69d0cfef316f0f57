using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack;
using StatelessApp.TestKit.Security;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/compose/site-secrets.sh and the compose files together: each site's host receives only the files its own
/// services use, each service mounts only its own folder and names only files that are in it, the files belong to
/// the uid the service runs as, and no password is in any rendered compose file.
/// </summary>
public sealed partial class SiteSecretsTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    private const string Script = "deploy/compose/site-secrets.sh";

    public static TheoryData<string, string> SiteFiles => new()
    {
        { "docker-compose.yml", "all" },
        { "deploy/compose/region-a.yml", "a" },
        { "deploy/compose/region-b.yml", "b" },
        { "deploy/compose/witness.yml", "w" },
    };

    public static TheoryData<string> ComposeUses => new(Repository.ComposeUses);

    [GeneratedRegex(@"/run/secrets/[A-Za-z0-9._/-]+(?![$A-Za-z0-9._/-])")]
    private static partial Regex SecretPath();

    private static string SecretsDir(ComposeConfig config, ComposeService service) =>
        service.BindMounts.Where(m => m.Target == "/run/secrets").Select(m => m.Source).SingleOrDefault() ?? "";

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(SiteFiles))]
    public async Task A_site_file_mounts_exactly_the_folders_the_script_writes_for_that_site_each_service_its_own(string file, string site)
    {
        var material = await DeploymentMaterial.GetAsync();
        var written = await material.WriteSiteAsync(site);
        var config = compose[file];

        var mounting = config.Services.Values.Where(s => SecretsDir(config, s) != "").ToList();
        Assert.All(mounting, s => Assert.Equal(Path.Combine(compose.Env.Values["SECRETS_DIR"], s.Name), SecretsDir(config, s)));
        Assert.Equal(
            mounting.Select(s => s.Name).Order(StringComparer.Ordinal),
            Directory.GetDirectories(written).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(mounting, s => Assert.Contains($"{SecretsDir(config, s)}:/run/secrets:ro", s.Volumes));
    }

    [Theory]
    [MemberData(nameof(SiteFiles))]
    public async Task Every_secret_file_a_service_names_is_in_its_own_folder(string file, string site)
    {
        var material = await DeploymentMaterial.GetAsync();
        var written = await material.WriteSiteAsync(site);

        foreach (var service in compose[file].Services.Values)
        {
            var text = string.Join('\n', [.. service.Environment.Values, .. service.Command, .. service.HealthCheck, .. service.Limits.Entrypoint]);
            foreach (var path in SecretPath().Matches(text).Select(m => m.Value).Distinct())
            {
                var local = Path.Combine(written, service.Name, Path.GetRelativePath("/run/secrets", path));
                Assert.True(File.Exists(local) || Directory.Exists(local), $"{file}: {service.Name} names {path}, which its secrets folder does not hold");
            }
        }
    }

    [Fact]
    public async Task The_witness_gets_etcd_TLS_and_the_Redis_users_and_nothing_of_PostgreSQL_Patroni_etcd_users_the_app_or_the_key_ring()
    {
        var material = await DeploymentMaterial.GetAsync();
        var written = await material.WriteSiteAsync("w");

        Assert.Equal(["tls/ca.crt", "tls/node.crt", "tls/node.key"], Files(Path.Combine(written, "etcd-w")));
        Assert.Equal(["redis-admin-password", "redis-app-password", "redis-monitor-password", "redis-replica-password", "redis-sentinel-password", "tls/ca.crt", "tls/node.crt", "tls/node.key"], Files(Path.Combine(written, "redis-w")));
        // The Sentinel's ACL users (admin, app, monitor, sentinel; deploy/redis/sentinel.conf) are hashes of these four.
        Assert.Equal(["redis-admin-password", "redis-app-password", "redis-monitor-password", "redis-sentinel-password", "tls/ca.crt", "tls/node.crt", "tls/node.key"], Files(Path.Combine(written, "sentinel-w")));
        // The Redis exporter logs in as monitor and checks its server against the CA; Prometheus has its certificate only.
        Assert.Equal(["redis-monitor-password", "tls/ca.crt"], Files(Path.Combine(written, "redis-exporter-w")));
        Assert.Equal(["tls/ca.crt", "tls/node.crt", "tls/node.key"], Files(Path.Combine(written, "prometheus-w")));
        Assert.Equal(["etcd-w", "prometheus-w", "redis-exporter-w", "redis-w", "sentinel-w"], Directory.GetDirectories(written).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var everything = string.Join('\n', Files(written).Select(f => File.ReadAllText(Path.Combine(written, f))));
        var found = material.Secrets.FoundIn(everything).Order(StringComparer.Ordinal).ToList();
        var beyondRedis = found.Where(name => !name.StartsWith("REDIS_", StringComparison.Ordinal)).ToList();
        SecurityAttempts.Record("witness host's secrets (site-secrets.sh --site w)",
            "look for every deployment password and the key-ring certificate in all the files the witness receives",
            $"passwords found: {string.Join(", ", found)}; key-ring files: {Directory.GetDirectories(written, "keyring", SearchOption.AllDirectories).Length}",
            refused: beyondRedis.Count == 0);
        Assert.Equal(["REDIS_ADMIN_PASSWORD", "REDIS_APP_PASSWORD", "REDIS_MONITOR_PASSWORD", "REDIS_REPLICA_PASSWORD", "REDIS_SENTINEL_PASSWORD"], found);
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(Path.Combine(written, "etcd-w", "tls", "ca.crt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_host_gets_the_PostgreSQL_side_and_the_key_ring_but_each_service_only_its_part()
    {
        var material = await DeploymentMaterial.GetAsync();
        var written = await material.WriteSiteAsync("a");

        Assert.Equal(
            ["config/ConnectionStrings__Redis", "config/ConnectionStrings__Shop", "keyring/keyring.crt", "keyring/keyring.key", "shop-db-password",
             "tls/ca.crt", "tls/node.crt", "tls/node.key"],
            Files(Path.Combine(written, "app-a1")));
        Assert.Equal(
            ["etcd-patroni-password", "patroni-rest-password", "postgres-monitor-password", "postgres-replication-password", "postgres-rewind-password", "postgres-superuser-password",
             "shop-db-password", "shop-owner-db-password", "tls/ca.crt", "tls/etcd-client.crt", "tls/etcd-client.key", "tls/node.crt", "tls/node.key"],
            Files(Path.Combine(written, "pg-a")));
        // The PostgreSQL exporter logs in as monitor (pg_monitor) and checks its server against the CA, nothing more.
        Assert.Equal(["postgres-monitor-password", "tls/ca.crt"], Files(Path.Combine(written, "pg-exporter-a")));
        Assert.Equal(["tls/ca.crt", "tls/node.crt", "tls/node.key"], Files(Path.Combine(written, "proxy-a")));
        Assert.Equal(["etcd-patroni-password", "etcd-root-password", "tls/ca.crt", "tls/node.crt", "tls/node.key"], Files(Path.Combine(written, "etcd-auth")));

        // The app logs in as the DML-only role; migrate also has the schema owner's ConnectionStrings:ShopOwner (as the
        // controller's MigrateAsync); both verify the servers' certificates.
        var shop = File.ReadAllText(Path.Combine(written, "app-a1", "config", "ConnectionStrings__Shop"));
        var migrate = File.ReadAllText(Path.Combine(written, "migrate", "config", "ConnectionStrings__ShopOwner"));
        Assert.Equal(shop, File.ReadAllText(Path.Combine(written, "migrate", "config", "ConnectionStrings__Shop")));
        Assert.Contains($"Username=shop;Password={material.Secrets.Values["SHOP_DB_PASSWORD"]};SSL Mode=VerifyFull;Root Certificate=/run/secrets/tls/ca.crt", shop, StringComparison.Ordinal);
        Assert.Contains($"Username=shop_owner;Password={material.Secrets.Values["SHOP_OWNER_DB_PASSWORD"]};SSL Mode=VerifyFull", migrate, StringComparison.Ordinal);
        // Role shop's password also as a file of its own, which the app reads at every new connection (rotation without restarts).
        Assert.Equal(material.Secrets.Values["SHOP_DB_PASSWORD"], File.ReadAllText(Path.Combine(written, "app-a1", "shop-db-password")));
        Assert.Contains($"user=app,password={material.Secrets.Values["REDIS_APP_PASSWORD"]},ssl=true", File.ReadAllText(Path.Combine(written, "app-a1", "config", "ConnectionStrings__Redis")), StringComparison.Ordinal);
        Assert.Equal(["REDIS_APP_PASSWORD", "SHOP_DB_PASSWORD"], material.Secrets.FoundIn(string.Join('\n', Files(Path.Combine(written, "app-a1")).Select(f => File.ReadAllText(Path.Combine(written, "app-a1", f))))).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SiteFiles))]
    public async Task Every_folder_and_file_is_private_to_the_uid_its_service_runs_as(string file, string site)
    {
        var material = await DeploymentMaterial.GetAsync();
        var written = await material.WriteSiteAsync(site);

        foreach (var folder in Directory.GetDirectories(written))
        {
            var service = compose[file].Services[Path.GetFileName(folder)];
            var uid = service.Limits.User!.Split(':')[0];
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Append(folder))
            {
                var expected = Directory.Exists(entry) ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite;
                Assert.Equal(expected, File.GetUnixFileMode(entry));
                var owner = await CommandLine.RunAsync("stat", ["-c", "%u:%g", entry]);
                Assert.Equal($"{uid}:{uid}", owner.StandardOutput.Trim());
            }
        }
    }

    [Theory]
    [MemberData(nameof(ComposeUses))]
    public async Task No_password_is_in_any_environment_value_command_entrypoint_or_health_check(string use)
    {
        var material = await DeploymentMaterial.GetAsync();
        var config = compose[use];

        Assert.Empty(material.Secrets.FoundIn(config.Text));
        Assert.Empty(compose.Env.Secrets.FoundIn(config.Text));
        foreach (var service in config.Services.Values)
        {
            Assert.DoesNotContain(service.Environment.Keys, key => key.EndsWith("PASSWORD", StringComparison.Ordinal) || key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || key == "REDISCLI_AUTH");
            Assert.DoesNotContain(service.Environment.Values, value => value.Contains("password=", StringComparison.OrdinalIgnoreCase));
            var commands = string.Join(' ', [.. service.Command, .. service.Limits.Entrypoint, .. service.HealthCheck]);
            foreach (var option in new[] { "--requirepass", "--masterauth", "--pass", "-a ", "password=", "PASSWORD=" })
            {
                Assert.DoesNotContain(option, commands, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_missing_password_is_refused_by_name_only_for_the_site_that_needs_it_and_no_value_is_printed()
    {
        var material = await DeploymentMaterial.GetAsync();
        var passwords = Path.Combine(material.Folder, "without-shop.env");
        await File.WriteAllLinesAsync(passwords, material.Secrets.Values.Where(p => p.Key != "SHOP_DB_PASSWORD").Select(p => $"{p.Key}={p.Value}"));

        var forRegion = await CommandLine.BashAsync(Script, ["--site", "a", "--tls", material.Tls, "--env", material.EnvFile, "--passwords", passwords, "-o", Path.Combine(material.Folder, "refused")], TestSecrets.NoneSet(), DeploymentMaterial.ScriptTimeout);
        var forWitness = await CommandLine.BashAsync(Script, ["--site", "w", "--tls", material.Tls, "--env", material.EnvFile, "--passwords", passwords, "-o", Path.Combine(material.Folder, "witness-ok")], TestSecrets.NoneSet(), DeploymentMaterial.ScriptTimeout);

        Assert.Equal(2, forRegion.ExitCode);
        Assert.Contains("missing password(s) for site a: SHOP_DB_PASSWORD ", forRegion.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(material.Folder, "refused")));
        Assert.True(forWitness.Succeeded, forWitness.ToString());
        Assert.Empty(material.Secrets.FoundIn(forRegion.Output + forWitness.Output));
    }

    [Fact]
    public async Task A_password_set_in_the_environment_wins_over_the_file()
    {
        var material = await DeploymentMaterial.GetAsync();
        var environment = TestSecrets.NoneSet();
        environment["REDIS_SENTINEL_PASSWORD"] = "from-the-environment";
        var output = Path.Combine(material.Folder, "from-environment");

        var result = await CommandLine.BashAsync(Script, ["--site", "w", "--tls", material.Tls, "--env", material.EnvFile, "--passwords", material.PasswordsFile, "-o", output], environment, DeploymentMaterial.ScriptTimeout);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("from-the-environment", File.ReadAllText(Path.Combine(output, "sentinel-w", "redis-sentinel-password")));
        Assert.Equal(material.Secrets.Values["REDIS_APP_PASSWORD"], File.ReadAllText(Path.Combine(output, "sentinel-w", "redis-app-password")));
    }

    [Theory]
    [InlineData("has$dollar")]
    [InlineData("has space")]
    [InlineData("has;semicolon")]
    [InlineData("has,comma")]
    public async Task A_password_a_connection_string_cannot_carry_is_refused_without_printing_it(string password)
    {
        var material = await DeploymentMaterial.GetAsync();
        var environment = TestSecrets.NoneSet();
        environment["SHOP_DB_PASSWORD"] = password;

        var result = await CommandLine.BashAsync(Script, ["--site", "b", "--tls", material.Tls, "--env", material.EnvFile, "--passwords", material.PasswordsFile, "-o", Path.Combine(material.Folder, "bad")], environment, DeploymentMaterial.ScriptTimeout);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SHOP_DB_PASSWORD contains", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(password, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_example_file_names_every_password_a_deployment_and_the_local_stack_need_and_nothing_else()
    {
        var material = await DeploymentMaterial.GetAsync();
        var example = Repository.PathOf("deploy", "secrets.env.example");

        // The example carries names only: used as is, every password of every site is reported missing.
        var result = await CommandLine.BashAsync(Script, ["--site", "all", "--tls", material.Tls, "--env", material.EnvFile, "--passwords", example, "-o", Path.Combine(material.Folder, "example")], TestSecrets.NoneSet(), DeploymentMaterial.ScriptTimeout);

        Assert.Equal(2, result.ExitCode);
        var deployment = Regex.Match(result.StandardError, @"missing password\(s\) for site all: ([A-Z_ ]+) \(").Groups[1].Value.Split(' ');
        Assert.Equal(
            deployment.Union(StackSecrets.Keys).Order(StringComparer.Ordinal),
            GeneratedComposeEnv.ReadEnvFile(example).Keys.Order(StringComparer.Ordinal));
        Assert.All(GeneratedComposeEnv.ReadEnvFile(example).Values, value => Assert.Equal("", value));
    }

    [Fact]
    public async Task The_proxies_serve_the_operators_chain_when_given_and_the_rotation_bundle_replaces_the_CA()
    {
        var material = await DeploymentMaterial.GetAsync();
        var chain = Path.Combine(material.Folder, "chain.pem");
        var key = Path.Combine(material.Folder, "chain.key");
        var bundle = Path.Combine(material.Folder, "bundle.crt");
        await File.WriteAllTextAsync(chain, "-----BEGIN CERTIFICATE-----\npublic-chain\n-----END CERTIFICATE-----\n");
        await File.WriteAllTextAsync(key, "-----BEGIN PRIVATE KEY-----\npublic-key\n-----END PRIVATE KEY-----\n");
        await File.WriteAllTextAsync(bundle, "-----BEGIN CERTIFICATE-----\nold-and-new\n-----END CERTIFICATE-----\n");

        var defaults = await material.WriteSiteAsync("b");
        var written = await material.WriteSiteAsync("b", "--proxy-cert", chain, "--proxy-key", key, "--ca-bundle", bundle);

        // The proxies read node.crt with node.key beside it (HAProxy's ssl-load-extra-del-ext, nginx's two files).
        Assert.Equal(File.ReadAllText(Path.Combine(material.Tls, "nodes", "proxy-b.crt")), File.ReadAllText(Path.Combine(defaults, "proxy-b", "tls", "node.crt")));
        Assert.Equal(File.ReadAllText(Path.Combine(material.Tls, "nodes", "proxy-b.key")), File.ReadAllText(Path.Combine(defaults, "proxy-b", "tls", "node.key")));
        Assert.Equal(File.ReadAllText(chain), File.ReadAllText(Path.Combine(written, "proxy-b", "tls", "node.crt")));
        Assert.Equal(File.ReadAllText(key), File.ReadAllText(Path.Combine(written, "proxy-b", "tls", "node.key")));
        Assert.All(Directory.GetDirectories(written), folder => Assert.Equal(File.ReadAllText(bundle), File.ReadAllText(Path.Combine(folder, "tls", "ca.crt"))));
    }
}
