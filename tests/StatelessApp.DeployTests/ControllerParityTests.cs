using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>
/// The containers get what the stack controller gives the local processes: for every node, the controller's own
/// server definition (the code `./stack up` runs) produces the environment, command line or rendered config, and
/// the compose service must carry the same, addresses moved into the container space. The few differences are
/// listed here, each with its reason; any other difference fails.
/// Secrets never match by value: a container gets each password as a file (KEY_FILE, or the app's config/ folder).
/// TLS (issue 13) is on in the containers and in the controller alike; the TLS keys whose values are file paths (under
/// /run/secrets in a container) are listed in <see cref="ContainerTls"/>.
/// </summary>
public sealed class ControllerParityTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    private static readonly StackTopology Topology = Repository.Topology;

    private IReadOnlyDictionary<string, ComposeService> Services => compose["docker-compose.yml"].Services;

    private StackContext Controller => compose.Env.Controller;

    public static TheoryData<NodeKind> KindsStartedWithAnEnvironment => new(NodeKind.App, NodeKind.Etcd, NodeKind.Postgres, NodeKind.Proxy);

    /// <summary>Keys whose values are container facts, not topology facts; checked separately.</summary>
    private static readonly Dictionary<string, string> ContainerOnly = new(StringComparer.Ordinal)
    {
        // Paths inside the image/volume instead of the local state folder; deploy/patroni/Dockerfile sets these.
        ["ETCD_DATA_DIR"] = "the member's data folder is the container's volume",
        ["PATRONI_POSTGRESQL_DATA_DIR"] = "set by deploy/patroni/Dockerfile (volume path)",
        ["PATRONI_POSTGRESQL_BIN_DIR"] = "set by deploy/patroni/Dockerfile (the postgres image's binaries)",
        ["PATRONI_POSTGRESQL_PGPASS"] = "set by deploy/patroni/Dockerfile (volume path)",
        ["HOME"] = "set by deploy/patroni/Dockerfile (volume path)",
        ["PGBACKREST_CONFIG"] = "set by deploy/patroni/Dockerfile (the pgBackRest file the compose command writes at every start)",
        // A proxy container listens on all its interfaces: Docker forwards the published port to one of its networks.
        ["PROXY_BIND"] = "0.0.0.0 and the topology port",
        ["PROXY_HTTP_BIND"] = "0.0.0.0 and the topology's redirect port",
        ["PROXY_METRICS_BIND"] = "0.0.0.0 and the topology's metrics port",
        ["PROXY_SOURCE_ADDR"] = "0.0.0.0: the container's own address",
        // TLS files are the service's own secrets folder, not the stack's .stack/tls.
        ["PROXY_TLS_CERT"] = "the proxy's certificate inside the container",
        ["PROXY_TLS_KEY"] = "its private key inside the container",
        ["PROXY_TLS_CA"] = "the deployment CA inside the container",
        // The key ring certificate is a secret file: its path is where the container mounts it, not the stack's tls folder.
        ["KeyRing__Certificate__Path"] = "the key ring certificate inside the container",
        ["KeyRing__Certificate__KeyPath"] = "its private key inside the container",
        ["Database__PasswordFile"] = "role shop's password file inside the container",
    };

    /// <summary>The OTLP export to the local stack's own dashboard; a compose site exports where its operator points it.</summary>
    private const string StackOnlyPrefix = "OTEL_";

    /// <summary>TLS and least-privilege settings of the containers (issue 13): paths under /run/secrets, etcd users.</summary>
    private static readonly Dictionary<string, string> ContainerTls = new(StringComparer.Ordinal)
    {
        ["ETCD_CERT_FILE"] = "etcd client TLS", ["ETCD_KEY_FILE"] = "etcd client TLS", ["ETCD_TRUSTED_CA_FILE"] = "etcd client TLS",
        ["ETCD_CLIENT_CERT_AUTH"] = "client certificates required", ["ETCD_PEER_CERT_FILE"] = "etcd peer TLS", ["ETCD_PEER_KEY_FILE"] = "etcd peer TLS",
        ["ETCD_PEER_TRUSTED_CA_FILE"] = "etcd peer TLS", ["ETCD_PEER_CLIENT_CERT_AUTH"] = "peer certificates required",
        ["PATRONI_ETCD3_PROTOCOL"] = "Patroni to etcd over TLS", ["PATRONI_ETCD3_CACERT"] = "Patroni to etcd over TLS",
        ["PATRONI_ETCD3_CERT"] = "Patroni's etcd client certificate", ["PATRONI_ETCD3_KEY"] = "Patroni's etcd client certificate",
        ["PATRONI_ETCD3_USERNAME"] = "Patroni's own etcd user, patroni, not root",
        ["PATRONI_RESTAPI_CERTFILE"] = "REST API over TLS", ["PATRONI_RESTAPI_KEYFILE"] = "REST API over TLS", ["PATRONI_RESTAPI_CAFILE"] = "REST API over TLS",
        ["PATRONI_CTL_CACERT"] = "patronictl trusts the deployment CA",
        ["PATRONI_CTL_CERTFILE"] = "patronictl's client certificate", ["PATRONI_CTL_KEYFILE"] = "patronictl's client certificate",
        ["PATRONI_REWIND_SSLROOTCERT"] = "the deployment CA",
        ["PATRONI_REPLICATION_SSLMODE"] = "verify-full", ["PATRONI_REPLICATION_SSLROOTCERT"] = "the deployment CA",
        ["SHOP_OWNER_DB_PASSWORD_FILE"] = "the schema owner's password, for post-bootstrap.sh",
        ["Kestrel__Certificates__Default__Path"] = "HTTPS at the app", ["Kestrel__Certificates__Default__KeyPath"] = "HTTPS at the app",
        ["Redis__CaCertificatePath"] = "the deployment CA inside the container, the only one the app trusts for Redis",
    };

    /// <summary>Passwords and the values that embed them: a container gets them as files, never as values.</summary>
    private static bool IsSecret(string key) => key.EndsWith("PASSWORD", StringComparison.Ordinal) || key.StartsWith("ConnectionStrings__", StringComparison.Ordinal);

    /// <summary>Keys whose container value is the controller's followed by more, each with what is added.</summary>
    private static readonly Dictionary<string, string> ContainerAppends = new(StringComparer.Ordinal)
    {
        ["AllowedHosts"] = "the proxies' public addresses: deploy-region.sh checks /health/ready through them",
    };

    /// <summary>Loopback values that are not node addresses: the same in both, not moved into the container space.</summary>
    private static readonly Dictionary<string, string> NotMoved = new(StringComparer.Ordinal)
    {
        ["EDGE_LIMIT_EXEMPT"] = "where exempt clients come from (compose-env.sh moves only *_ADDR and *_NETWORK)",
    };

    /// <summary>Keys only the containers have.</summary>
    private static readonly Dictionary<string, string> ContainerExtras = new(StringComparer.Ordinal)
    {
        // A proxy reaches the other region's apps from a Docker-assigned address on that region's network.
        ["Proxy__KnownNetworks__0"] = "region A's network",
        ["Proxy__KnownNetworks__1"] = "region B's network",
    };

    [Theory]
    [MemberData(nameof(KindsStartedWithAnEnvironment))]
    public void Every_node_gets_the_environment_the_controller_gives_its_local_process(NodeKind kind)
    {
        foreach (var node in Topology.NodesOf(kind))
        {
            var expected = ServerCatalog.For(node, ProxyKind.Haproxy).Launch(node, Controller).Environment;
            var actual = Services[node.Name].Environment;

            foreach (var (key, value) in expected.Where(e => !ContainerOnly.ContainsKey(e.Key) && !ContainerTls.ContainsKey(e.Key) && !e.Key.StartsWith(StackOnlyPrefix, StringComparison.Ordinal)))
            {
                if (IsSecret(key))
                {
                    Assert.False(actual.ContainsKey(key), $"{node.Name}: {key} is a secret, and a value in the compose service");
                    Assert.True(!key.EndsWith("PASSWORD", StringComparison.Ordinal) || actual.ContainsKey($"{key}_FILE"), $"{node.Name}: {key} reaches the container neither as a value nor as {key}_FILE");
                    continue;
                }

                Assert.True(actual.TryGetValue(key, out var containerValue), $"{node.Name}: {key} is missing from the compose service");
                if (ContainerAppends.ContainsKey(key))
                {
                    Assert.StartsWith(ContainerAddress.Translate(value) + ";", containerValue, StringComparison.Ordinal);
                    continue;
                }

                // The controller runs TLS on by default too (StackContext.Tls): the URLs compare as they are.
                var translated = NotMoved.ContainsKey(key) ? value : ContainerAddress.Translate(value);
                Assert.True(translated == containerValue,
                    $"{node.Name}: {key} differs\n  controller (translated): {translated}\n  compose:                 {containerValue}");
            }

            var unexplained = actual.Keys.Where(k => !expected.ContainsKey(k) && !ContainerExtras.ContainsKey(k) && !ContainerOnly.ContainsKey(k) && !ContainerTls.ContainsKey(k)
                && !(k.EndsWith("_FILE", StringComparison.Ordinal) && expected.ContainsKey(k[..^"_FILE".Length])));
            Assert.True(!unexplained.Any(), $"{node.Name}: compose sets {string.Join(", ", unexplained)}, which the controller does not");
        }
    }

    [Fact]
    public void The_container_only_values_are_the_containers_paths_and_listen_address()
    {
        foreach (var node in Topology.NodesOf(NodeKind.Etcd))
        {
            Assert.StartsWith("/var/lib/etcd/", Services[node.Name].Environment["ETCD_DATA_DIR"], StringComparison.Ordinal);
            Assert.Contains($"{node.Name}-data:/var/lib/etcd:rw", Services[node.Name].Volumes);
        }

        var patroniDockerfile = File.ReadAllText(Repository.PathOf("deploy", "patroni", "Dockerfile"));
        foreach (var key in new[] { "PATRONI_POSTGRESQL_DATA_DIR", "PATRONI_POSTGRESQL_BIN_DIR", "PATRONI_POSTGRESQL_PGPASS", "HOME", "PGBACKREST_CONFIG" })
        {
            Assert.Contains($"{key}=", patroniDockerfile, StringComparison.Ordinal);
        }

        foreach (var node in Topology.NodesOf(NodeKind.Proxy))
        {
            var environment = Services[node.Name].Environment;
            Assert.Equal($"0.0.0.0:{node.Port}", environment["PROXY_BIND"]);
            Assert.Equal($"0.0.0.0:{ProxyServer.RedirectPort(node)}", environment["PROXY_HTTP_BIND"]);
            Assert.Equal("0.0.0.0", environment["PROXY_SOURCE_ADDR"]);
            Assert.Equal("/run/secrets/tls/node.crt", environment["PROXY_TLS_CERT"]);
            Assert.Equal("/run/secrets/tls/node.key", environment["PROXY_TLS_KEY"]);
            Assert.Equal("/run/secrets/tls/ca.crt", environment["PROXY_TLS_CA"]);
        }

        // Without a key-ring certificate the app and migrate refuse to start outside Development.
        foreach (var name in Topology.NodesOf(NodeKind.App).Select(n => n.Name).Append("migrate"))
        {
            Assert.Equal("/run/secrets/keyring/keyring.crt", Services[name].Environment["KeyRing__Certificate__Path"]);
            Assert.Equal("/run/secrets/keyring/keyring.key", Services[name].Environment["KeyRing__Certificate__KeyPath"]);
            Assert.Equal("/run/secrets/shop-db-password", Services[name].Environment["Database__PasswordFile"]);
        }
    }

    [Fact]
    public async Task A_Sentinel_container_renders_the_same_config_the_controller_renders()
    {
        foreach (var node in Topology.NodesOf(NodeKind.Sentinel))
        {
            new SentinelServer().Prepare(node, Controller);
            var local = await File.ReadAllLinesAsync(SentinelServer.NodeConfig(node, Controller));

            var container = await RenderInContainerAsync(node.Name, Services[node.Name], "deploy/redis/sentinel.conf");

            // With TLS the controller appends the include of the shared tls.conf; the container's start script appends
            // the same line, naming the mount point (render.sh renders the template only).
            var include = $"include {Repository.PathOf("deploy", "redis", "tls.conf")}";
            Assert.Equal(include, local[^1]);
            Assert.Contains("echo \"include /etc/stateless/redis/tls.conf\" >> /data/sentinel.conf", string.Join('\n', Services[node.Name].Command), StringComparison.Ordinal);
            Assert.Contains((Repository.PathOf("deploy", "redis", "tls.conf"), "/etc/stateless/redis/tls.conf"), Services[node.Name].BindMounts);
            local = local[..^1];

            Assert.Equal(local.Length, container.Length);
            for (var i = 0; i < local.Length; i++)
            {
                if (local[i].StartsWith("dir ", StringComparison.Ordinal))
                {
                    Assert.Equal("dir /data", container[i]); // the node's volume, where the controller has its data folder
                }
                else
                {
                    Assert.Equal(ContainerAddress.Translate(local[i]), container[i]);
                }
            }
        }
    }

    [Fact]
    public async Task The_witness_DNS_container_serves_the_same_records_the_controller_serves()
    {
        var node = Topology.NodesOf(NodeKind.Dns).Single();
        new DnsServer().Prepare(node, Controller);

        var container = await RenderInContainerAsync(node.Name, Services[node.Name], "deploy/dns/app.hosts.template");

        // On one host the proxies are published at their local stack addresses, so clients get the same answer.
        Assert.Equal(await File.ReadAllLinesAsync(DnsServer.HostsFile(node, Controller)), container);
    }

    [Fact]
    public async Task With_STACK_PROXY_KIND_nginx_a_proxy_container_renders_the_config_the_controller_renders()
    {
        var withNginx = compose["docker-compose.yml@nginx"].Services;
        foreach (var node in Topology.NodesOf(NodeKind.Proxy))
        {
            new NginxServer().Prepare(node, Controller);
            var local = await File.ReadAllLinesAsync(Path.Combine(Controller.Paths.DataOf(node.Name), "nginx.conf"));

            var container = await RenderInContainerAsync(node.Name, withNginx[node.Name], "deploy/nginx/nginx.conf.template");

            Assert.StartsWith("statelessapp-nginx:", withNginx[node.Name].Image, StringComparison.Ordinal);
            Assert.Equal(local.Length, container.Length);
            var certificate = Controller.Certificates.For(node);
            var secrets = compose.Env.Scratch($"{node.Name}-secrets") + "/";
            for (var i = 0; i < local.Length; i++)
            {
                // The container-only values (see ContainerOnly): the proxy listens on every interface, on both ports, connects
                // to the apps from its container's own address, and
                // its TLS files are its secrets folder's.
                var expected = local[i]
                    .Replace($"listen {node.Address}:", "listen 0.0.0.0:", StringComparison.Ordinal)
                    .Replace($"proxy_bind {node.Address};", "proxy_bind 0.0.0.0;", StringComparison.Ordinal)
                    .Replace(certificate.CertificateFile, "/run/secrets/tls/node.crt", StringComparison.Ordinal)
                    .Replace(certificate.KeyFile, "/run/secrets/tls/node.key", StringComparison.Ordinal)
                    .Replace(Controller.Certificates.CaCertificateFile, "/run/secrets/tls/ca.crt", StringComparison.Ordinal);
                // EDGE_LIMIT_EXEMPT is no node address (NotMoved): its line is the same in both.
                var translated = expected.Contains(Topology.EdgeLimits.Exempt.ToString(), StringComparison.Ordinal) ? expected : ContainerAddress.Translate(expected);
                Assert.Equal(translated, container[i].Replace(secrets, "/run/secrets/", StringComparison.Ordinal));
            }
        }

        // The proxy kind changes the proxies' program and nothing else, but for the services that read it: whether the nginx
        // exporters run, and which proxy metrics Prometheus scrapes (HAProxy's own or the nginx exporters').
        foreach (var (name, service) in withNginx.Where(s => s.Value.Kind != "proxy"))
        {
            var readsTheKind = service.Kind is "nginxexporter" or "prometheus";
            Assert.Equal(readsTheKind ? "nginx" : null, service.Environment.GetValueOrDefault("STACK_PROXY_KIND"));
            Assert.Equal(Services[name].Environment.Where(e => e.Key != "STACK_PROXY_KIND"), service.Environment.Where(e => e.Key != "STACK_PROXY_KIND"));
            Assert.Equal(Services[name].Image, service.Image);
        }

        Assert.All(Topology.NodesOf(NodeKind.Proxy), node => Assert.Equal(Services[node.Name].Environment, withNginx[node.Name].Environment));
    }

    [Fact]
    public void Redis_and_dnsmasq_containers_start_with_the_controllers_command_line_options()
    {
        foreach (var node in Topology.NodesOf(NodeKind.Redis).Concat(Topology.NodesOf(NodeKind.Dns)))
        {
            // Passwords come from files in a container, and its only port is the TLS one (written with the secrets).
            var options = ServerCatalog.For(node, ProxyKind.Haproxy).Launch(node, Controller).Arguments
                .Where(a => a.StartsWith("--", StringComparison.Ordinal))
                .Select(a => a.Split('=')[0])
                .Where(option => option is not ("--requirepass" or "--masterauth" or "--port"));
            var command = string.Join(' ', Services[node.Name].Command);

            Assert.All(options, option => Assert.Contains(option, command, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Redis_containers_include_the_shared_redis_conf_like_the_controllers_node_config()
    {
        foreach (var node in Topology.NodesOf(NodeKind.Redis))
        {
            var service = Services[node.Name];
            Assert.Contains("include /etc/stateless/redis/redis.conf", string.Join('\n', service.Command), StringComparison.Ordinal);
            Assert.Contains((Repository.PathOf("deploy", "redis", "redis.conf"), "/etc/stateless/redis/redis.conf"), service.BindMounts);

            // The script includes never-promoted.conf when it is mounted: only the node the controller never promotes has it.
            var neverPromoted = (Repository.PathOf("deploy", "redis", "never-promoted.conf"), "/etc/stateless/redis/never-promoted.conf");
            var mounted = service.BindMounts.Contains(neverPromoted);
            Assert.True(RedisServer.NeverPromoted(node) == mounted,
                $"{node.Name}: never promoted by the controller: {RedisServer.NeverPromoted(node)}, mounts never-promoted.conf: {mounted}");
        }
    }

    [Fact]
    public async Task A_Redis_container_writes_the_node_config_the_controller_writes()
    {
        foreach (var node in Topology.NodesOf(NodeKind.Redis))
        {
            var container = await RunRedisStartScriptAsync(node.Name, Services[node.Name]);

            // The controller's includes name the repository's deploy/redis/, the container's the mount point.
            var expected = RedisServer.FirstStartConfig(node, Controller)
                .Select(line => ContainerAddress.Translate(line.Replace(Repository.PathOf("deploy", "redis") + "/", "/etc/stateless/redis/", StringComparison.Ordinal)));
            Assert.Equal(expected, container);
        }

        Assert.Contains("include /etc/stateless/redis/never-promoted.conf", await RunRedisStartScriptAsync("redis-w", Services["redis-w"]));
    }

    /// <summary>
    /// Runs a Redis service's start script (its compose command) as the container would on its first start, with the
    /// service's environment and bind mounts, a scratch folder as /data, and `true` instead of the server: the node
    /// config it wrote, mount paths as the container sees them.
    /// </summary>
    private async Task<string[]> RunRedisStartScriptAsync(string name, ComposeService service)
    {
        Assert.Equal(["sh", "-c"], service.Command.Take(2));
        var data = Directory.CreateDirectory(compose.Env.Scratch($"{name}-data")).FullName;
        var mounts = Directory.CreateDirectory(compose.Env.Scratch($"{name}-etc")).FullName;
        var secrets = Directory.CreateDirectory(compose.Env.Scratch($"{name}-secrets")).FullName;
        var temporary = Directory.CreateDirectory(compose.Env.Scratch($"{name}-tmp")).FullName;
        foreach (var user in new[] { "admin", "app", "replica", "sentinel", "monitor" })
        {
            await File.WriteAllTextAsync(Path.Combine(secrets, $"redis-{user}-password"), compose.Env.Secrets.Values[$"REDIS_{user.ToUpperInvariant()}_PASSWORD"]);
        }

        foreach (var (source, target) in service.BindMounts.Where(m => m.Target.StartsWith("/etc/stateless/redis/", StringComparison.Ordinal)))
        {
            File.Copy(source, Path.Combine(mounts, Path.GetFileName(target)), overwrite: true);
        }

        var script = service.Command[2]
            .Replace("$$", "$", StringComparison.Ordinal)
            .Replace("/tmp/", temporary + "/", StringComparison.Ordinal)
            .Replace("/etc/stateless/redis/", mounts + "/", StringComparison.Ordinal)
            .Replace("/etc/stateless/compose/", Repository.PathOf("deploy", "compose") + "/", StringComparison.Ordinal)
            .Replace("/data/", data + "/", StringComparison.Ordinal)
            .Replace("/run/secrets/", secrets + "/", StringComparison.Ordinal)
            .Replace("exec redis-server", "exec true", StringComparison.Ordinal);
        var environment = service.Environment.Select(p => $"{p.Key}={p.Value.Replace("/run/secrets/", secrets + "/", StringComparison.Ordinal)}");
        var result = await CommandLine.RunAsync("env", ["-i", "PATH=/usr/bin:/bin", .. environment, "sh", "-c", script]);
        Assert.True(result.Succeeded, result.ToString());

        // What came from secrets: the shared deploy/redis/users.acl with hashes of the passwords (never the passwords),
        // `default` off, no comment line (an ACL file holds `user` lines only); the replica's own user and password.
        // TLS is not a secret: the shared tls.conf is in the node config (FirstStartConfig), the files on the command line.
        var users = await File.ReadAllLinesAsync(Path.Combine(temporary, "users.acl"));
        var included = await File.ReadAllTextAsync(Path.Combine(temporary, "secrets.conf"));
        var shared = File.ReadAllLines(Repository.PathOf("deploy", "redis", "users.acl")).Where(line => !line.StartsWith('#')).ToArray();
        Assert.Equal(shared.Length, users.Length);
        Assert.All(users, line => Assert.StartsWith("user ", line, StringComparison.Ordinal));
        Assert.Contains(users, line => line.StartsWith("user default off ", StringComparison.Ordinal));
        Assert.Contains($"user app on #{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(compose.Env.Secrets.Values["REDIS_APP_PASSWORD"])))} ", string.Join('\n', users), StringComparison.Ordinal);
        Assert.Empty(compose.Env.Secrets.FoundIn(string.Join('\n', users)));
        Assert.Contains("masteruser replica\n", included, StringComparison.Ordinal);
        Assert.Equal(["REDIS_REPLICA_PASSWORD"], compose.Env.Secrets.FoundIn(included));
        return [.. (await File.ReadAllLinesAsync(Path.Combine(data, "redis.conf"))).Select(line => line.Replace(mounts + "/", "/etc/stateless/redis/", StringComparison.Ordinal))];
    }

    /// <summary>
    /// Runs deploy/compose/render.sh as the container's start script does, with the compose service's environment;
    /// its /run/secrets files hold this run's passwords (a file several KEY_FILEs name holds the controller's KEY).
    /// </summary>
    private async Task<string[]> RenderInContainerAsync(string name, ComposeService service, string template)
    {
        var output = compose.Env.Scratch($"{name}-{Path.GetFileName(template)}");
        var secrets = Directory.CreateDirectory(compose.Env.Scratch($"{name}-secrets")).FullName;
        var environment = service.Environment.ToDictionary(p => p.Key, p => (string?)p.Value.Replace("/run/secrets/", secrets + "/", StringComparison.Ordinal), StringComparer.Ordinal);
        foreach (var (key, file) in environment.Where(p => p.Key.EndsWith("_PASSWORD_FILE", StringComparison.Ordinal) && p.Value!.StartsWith(secrets, StringComparison.Ordinal)).OrderBy(p => StackSecrets.Keys.Contains(p.Key[..^"_FILE".Length])))
        {
            await File.WriteAllTextAsync(file!, compose.Env.Secrets.Values[key[..^"_FILE".Length]]);
        }

        var result = await CommandLine.RunAsync("env", ["-i", .. environment.Select(p => $"{p.Key}={p.Value}"), "sh", Repository.PathOf("deploy", "compose", "render.sh"), Repository.PathOf(template), output]);
        Assert.True(result.Succeeded, result.ToString());
        return await File.ReadAllLinesAsync(output);
    }
}
