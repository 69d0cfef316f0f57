using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// Every file a service mounts exists and is the one in deploy/ (no second copy); every image is built from a Dockerfile
/// of the repository (what those are built from: <see cref="ImageBuildTests"/>).
/// </summary>
public sealed class ComposeMountsAndImagesTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    public static TheoryData<string> ComposeFiles => new(Repository.ComposeUses);

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void Every_mounted_file_exists_and_is_the_one_in_deploy(string file)
    {
        var deploy = Repository.PathOf("deploy") + Path.DirectorySeparatorChar;
        // The secrets folder is the host's, written by site-secrets.sh (SiteSecretsTests checks it).
        var mounts = compose[file].Services.Values.SelectMany(s => s.BindMounts.Where(m => m.Target != "/run/secrets").Select(m => (Service: s.Name, m.Source))).ToList();

        Assert.NotEmpty(mounts);
        foreach (var (service, source) in mounts)
        {
            Assert.True(File.Exists(source) || Directory.Exists(source), $"{file}: {service} mounts {source}, which does not exist");
            Assert.True(source.StartsWith(deploy, StringComparison.Ordinal), $"{file}: {service} mounts {source}, outside deploy/");
        }
    }

    /// <summary>The deploy/ files each kind of node runs from: the same ones the controller hands the local process.</summary>
    private static readonly Dictionary<string, string[]> ConfigsByKind = new(StringComparer.Ordinal)
    {
        ["proxy"] = [],
        ["postgres"] = ["patroni"],
        ["redis"] = ["redis/redis.conf", "redis/tls.conf", "redis/users.acl", "compose/render.sh"],
        ["sentinel"] = ["redis/sentinel.conf", "redis/tls.conf", "compose/render.sh"],
        ["dns"] = ["dns/dnsmasq.conf", "dns/app.hosts.template", "compose/render.sh"],
        ["etcd"] = [],
        ["app"] = [],
        ["redisexporter"] = [],
        ["postgresexporter"] = [],
        ["nginxexporter"] = [],
        ["prometheus"] = ["prometheus/prometheus.yml", "prometheus/alerts.yml", "prometheus/scale-durations.sh", "compose/render.sh"],
    };

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void Every_node_mounts_the_config_files_of_its_kind(string file)
    {
        foreach (var service in compose[file].Nodes)
        {
            var mounted = service.BindMounts.Select(m => m.Source).ToHashSet(StringComparer.Ordinal);
            var proxyConfigs = service.Image!.StartsWith("statelessapp-nginx:", StringComparison.Ordinal)
                ? new[] { "nginx/nginx.conf.template", "compose/render.sh" }
                : ["haproxy/haproxy.cfg"];
            foreach (var config in service.Kind == "proxy" ? proxyConfigs : ConfigsByKind[service.Kind])
            {
                Assert.True(mounted.Contains(Repository.PathOf("deploy", config)), $"{file}: {service.Name} does not mount deploy/{config}");
            }
        }

        // etcd reads deploy/etcd/etcd.env as its environment, as the controller does: its settings reach every member.
        var etcdSettings = GeneratedComposeEnv.ReadEnvFile(Repository.PathOf("deploy", "etcd", "etcd.env"));
        foreach (var member in compose[file].Nodes.Where(s => s.Kind == "etcd"))
        {
            Assert.All(etcdSettings, setting => Assert.Equal(setting.Value, member.Environment[setting.Key]));
        }
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void Every_image_is_built_and_has_its_Dockerfile_in_the_build_context(string file)
    {
        foreach (var service in compose[file].Services.Values)
        {
            Assert.True(service.BuildContext is not null, $"{file}: {service.Name} pulls {service.Image} instead of building it (deploy/images/images.txt)");
            Assert.True(File.Exists(Path.Combine(service.BuildContext!, "Dockerfile")), $"{service.Name}: no Dockerfile in {service.BuildContext}");
            Assert.EndsWith(":local", service.Image, StringComparison.Ordinal);
        }
    }
}
