using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>Every file a service mounts exists and is the one in deploy/ (no second copy); every image is pinned.</summary>
public sealed partial class ComposeMountsAndImagesTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    private static readonly string[] Dockerfiles = ["Dockerfile", "deploy/patroni/Dockerfile", "deploy/dns/Dockerfile", "deploy/etcd/Dockerfile"];

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
            var proxyConfigs = service.Image!.StartsWith("nginx:", StringComparison.Ordinal)
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
    public void Every_built_image_has_its_Dockerfile_in_the_build_context(string file)
    {
        foreach (var service in compose[file].Services.Values.Where(s => s.BuildContext is not null))
        {
            Assert.True(File.Exists(Path.Combine(service.BuildContext!, "Dockerfile")), $"{service.Name}: no Dockerfile in {service.BuildContext}");
            Assert.EndsWith(":local", service.Image, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_image_comes_from_an_official_source_pinned_by_version()
    {
        var pulled = Repository.ComposeUses.SelectMany(use => compose[use].Services.Values).Where(s => s.BuildContext is null).Select(s => s.Image!).Distinct();
        var fromDockerfiles = Dockerfiles
            .SelectMany(f => File.ReadAllLines(Repository.PathOf(f)))
            .Where(l => l.StartsWith("FROM ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[1]);

        foreach (var image in pulled.Concat(fromDockerfiles))
        {
            Assert.Matches(PinnedImage(), image);
        }
    }

    /// <summary>
    /// Redis's Lua scripting is remotely exploitable before these releases (CVE-2025-49844 and its siblings); the 7.0
    /// line never got the fix upstream. Each line's first fixed release.
    /// </summary>
    private static readonly Dictionary<string, int> RedisFixedPatch = new(StringComparer.Ordinal) { ["7.2"] = 11, ["7.4"] = 6, ["8.0"] = 4, ["8.2"] = 2 };

    [Fact]
    public void The_Redis_image_is_a_release_with_the_Lua_fixes()
    {
        var images = Repository.ComposeUses.SelectMany(use => compose[use].Services.Values).Select(s => s.Image!).Where(i => i.StartsWith("redis:", StringComparison.Ordinal)).Distinct().ToList();

        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            var version = Regex.Match(image, @"^redis:(?<line>[0-9]+\.[0-9]+)\.(?<patch>[0-9]+)");
            Assert.True(version.Success && RedisFixedPatch.TryGetValue(version.Groups["line"].Value, out var fixedPatch) && int.Parse(version.Groups["patch"].Value) >= fixedPatch,
                $"{image} does not carry the fix for CVE-2025-49844");
        }
    }

    /// <summary>
    /// Official registries/namespaces only, and a tag with a full version number (never "latest", never a bare
    /// major), optionally pinned further by digest.
    /// </summary>
    [GeneratedRegex(@"^(mcr\.microsoft\.com/dotnet/[a-z]+|gcr\.io/etcd-development/etcd|redis|haproxy|nginx|postgres|debian):v?[0-9]+\.[0-9]+(\.[0-9]+)?(-[a-z0-9-]+)?(@sha256:[0-9a-f]{64})?$")]
    private static partial Regex PinnedImage();
}
