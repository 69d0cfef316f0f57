using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// Every container of every compose file, as docker-compose resolves it: read-only root file system, no capability,
/// no privilege gain, a non-root user, memory and process limits. A service added without them fails here.
/// </summary>
public sealed class ContainerHardeningTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    public static TheoryData<string> ComposeUses => new(Repository.ComposeUses);

    [Theory]
    [MemberData(nameof(ComposeUses))]
    public void Every_container_has_a_read_only_root_and_no_capability_and_cannot_gain_privileges(string use)
    {
        foreach (var service in compose[use].Services.Values)
        {
            Assert.True(service.Limits.ReadOnly, $"{use}: {service.Name} is not read_only");
            Assert.Equal(["ALL"], service.Limits.CapDrop);
            Assert.Empty(service.Limits.CapAdd);
            Assert.Contains("no-new-privileges:true", service.Limits.SecurityOpt);
        }
    }

    [Theory]
    [MemberData(nameof(ComposeUses))]
    public void Every_container_runs_as_a_numeric_non_root_user(string use)
    {
        foreach (var service in compose[use].Services.Values)
        {
            Assert.True(service.Limits.User is { } user && user.Split(':') is [var uid, var gid] && int.Parse(uid) > 0 && int.Parse(gid) > 0,
                $"{use}: {service.Name} runs as '{service.Limits.User}', not as a numeric non-root uid:gid");
        }
    }

    [Theory]
    [MemberData(nameof(ComposeUses))]
    public void Every_container_has_a_memory_and_a_process_limit(string use)
    {
        foreach (var service in compose[use].Services.Values)
        {
            Assert.False(string.IsNullOrEmpty(service.Limits.MemLimit), $"{use}: {service.Name} has no mem_limit");
            Assert.True(int.TryParse(service.Limits.PidsLimit, out var pids) && pids > 0, $"{use}: {service.Name} has no pids_limit");
        }
    }

    [Fact]
    public void The_writable_places_are_the_volumes_and_tmp_where_every_start_script_writes()
    {
        // A read-only root would stop a start script that writes elsewhere (the DNS hosts file, nginx's prefix,
        // Redis's secrets include, Patroni's TLS config): they all write under /tmp or their volume.
        var text = compose["docker-compose.yml"].Text;
        Assert.Contains("/tmp:size=16m,mode=1777", text, StringComparison.Ordinal);
        foreach (var service in compose["docker-compose.yml"].Services.Values.Concat(compose["docker-compose.yml@nginx"].Services.Values))
        {
            var script = string.Join('\n', service.Command);
            foreach (var written in new[] { "> /run/", ">> /run/", "mkdir -p /run", "mkdir -p \"/run" })
            {
                Assert.DoesNotContain(written, script, StringComparison.Ordinal);
            }
        }
    }
}
