using System.Net;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>deploy/compose/compose-env.sh: the compose files' only source of values, derived from deploy/topology.env.</summary>
public sealed class ComposeEnvGeneratorTests(GeneratedComposeEnv env) : IClassFixture<GeneratedComposeEnv>
{
    private const string Script = "deploy/compose/compose-env.sh";

    [Fact]
    public void Every_topology_key_is_carried_over_with_addresses_and_networks_moved_into_the_container_space()
    {
        var topology = TopologyFile.Read(Repository.PathOf("deploy", "topology.env"));

        foreach (var (key, value) in topology)
        {
            var expected = key.EndsWith("_ADDR", StringComparison.Ordinal) ? ContainerAddress.Of(IPAddress.Parse(value)).ToString()
                : key.EndsWith("_NETWORK", StringComparison.Ordinal) ? ContainerAddress.Of(IPNetwork.Parse(value))
                : value;
            Assert.True(env.Values.TryGetValue(key, out var actual), $"{key} is missing from the generated env file");
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void The_file_holds_no_password_only_the_folder_of_the_secret_files()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(env.FilePath));
        Assert.Empty(env.Secrets.FoundIn(File.ReadAllText(env.FilePath)));
        Assert.DoesNotContain(env.Values.Keys, key => key.Contains("PASSWORD", StringComparison.Ordinal));
        Assert.Equal(Repository.PathOf("deploy", "compose", "secrets"), env.Values["SECRETS_DIR"]);
    }

    [Fact]
    public async Task The_secrets_folder_is_where_the_host_keeps_it_and_must_be_absolute()
    {
        var output = env.Scratch("secrets-dir.env");
        var moved = await CommandLine.BashAsync(Script, ["-o", output, "--secrets-dir", "/opt/stateless/secrets"], TestSecrets.NoneSet());
        var relative = await CommandLine.BashAsync(Script, ["-o", env.Scratch("relative.env"), "--secrets-dir", "secrets"], TestSecrets.NoneSet());

        Assert.True(moved.Succeeded, moved.ToString());
        Assert.Equal("/opt/stateless/secrets", GeneratedComposeEnv.ReadEnvFile(output)["SECRETS_DIR"]);
        Assert.NotEqual(0, relative.ExitCode);
        Assert.Contains("--secrets-dir 'secrets' must be an absolute path", relative.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_topology_key_set_in_the_environment_overrides_the_file_as_it_does_for_the_stack()
    {
        var environment = env.Secrets.AsEnvironment();
        environment["A_APP1_ADDR"] = "127.1.0.99";
        environment["PROXY_PORT"] = "9080";
        var output = env.Scratch("override.env");

        var result = await CommandLine.BashAsync(Script, ["-o", output], environment);

        Assert.True(result.Succeeded, result.ToString());
        var values = GeneratedComposeEnv.ReadEnvFile(output);
        Assert.Equal("10.201.0.99", values["A_APP1_ADDR"]);
        Assert.Equal("9080", values["PROXY_PORT"]);
    }

    [Fact]
    public void On_one_host_the_proxies_and_the_DNS_are_published_where_the_local_stack_listens()
    {
        var topology = Repository.Topology;

        Assert.Equal(topology.NodeOf(NodeKind.Proxy, "a").Address.ToString(), env.Values["PUBLISH_A_PROXY"]);
        Assert.Equal(topology.NodeOf(NodeKind.Proxy, "b").Address.ToString(), env.Values["PUBLISH_B_PROXY"]);
        Assert.Equal(topology.NodeOf(NodeKind.Dns, "w").Address.ToString(), env.Values["PUBLISH_W_DNS"]);
        Assert.Equal(topology.Values["PROXY_HTTP_PORT"], env.Values["PUBLISH_HTTP_PORT"]);
        Assert.Equal(topology.Values["PROXY_PORT"], env.Values["PUBLISH_HTTPS_PORT"]);
    }

    [Fact]
    public async Task On_real_hosts_the_proxies_take_public_traffic_and_the_DNS_answers_with_the_public_addresses()
    {
        var output = env.Scratch("public.env");

        var result = await CommandLine.BashAsync(Script,
            ["-o", output, "--public-a", "203.0.113.10", "--public-b", "198.51.100.20", "--http-port", "80"], env.Secrets.AsEnvironment());

        Assert.True(result.Succeeded, result.ToString());
        var values = GeneratedComposeEnv.ReadEnvFile(output);
        Assert.Equal("0.0.0.0", values["PUBLISH_A_PROXY"]);
        Assert.Equal("203.0.113.10", values["PUBLIC_A_PROXY"]);
        Assert.Equal("198.51.100.20", values["PUBLIC_B_PROXY"]);
        Assert.Equal("80", values["PUBLISH_HTTP_PORT"]);
        Assert.Equal("443", values["PUBLISH_HTTPS_PORT"]);
    }

    [Theory]
    [InlineData(new[] { "--public-a", "203.0.113.10" }, "--public-a and --public-b go together")]
    [InlineData(new[] { "--public-a", "203.0.113.300", "--public-b", "198.51.100.20" }, "--public-a '203.0.113.300' is not an IPv4 address")]
    [InlineData(new[] { "--http-port", "http" }, "--http-port 'http' is not a port number")]
    [InlineData(new[] { "--bogus" }, "unknown argument '--bogus'")]
    public async Task Malformed_arguments_are_refused_with_a_clear_message(string[] arguments, string message)
    {
        var result = await CommandLine.BashAsync(Script, ["-o", env.Scratch("refused.env"), .. arguments], env.Secrets.AsEnvironment());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_output_file_it_refuses()
    {
        var result = await CommandLine.BashAsync(Script, [], env.Secrets.AsEnvironment());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("-o FILE is required", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dry_run_shows_every_line_and_writes_nothing()
    {
        var output = env.Scratch("dry-run.env");

        var result = await CommandLine.BashAsync(Script, ["-o", output, "--dry-run"], env.Secrets.AsEnvironment());

        Assert.True(result.Succeeded, result.ToString());
        Assert.False(File.Exists(output));
        Assert.Empty(env.Secrets.FoundIn(result.Output));
        Assert.Contains($"A_PROXY_ADDR={env.Values["A_PROXY_ADDR"]}", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_every_option()
    {
        var result = await CommandLine.BashAsync(Script, ["-h"]);

        Assert.True(result.Succeeded, result.ToString());
        foreach (var option in new[] { "--output", "--secrets-dir", "--public-a", "--public-b", "--http-port", "--https-port", "--dry-run", "COMPOSE_ADDRESS_BASE" })
        {
            Assert.Contains(option, result.StandardOutput, StringComparison.Ordinal);
        }
    }
}
