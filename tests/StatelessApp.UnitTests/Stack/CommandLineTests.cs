using StatelessApp.Stack;
using StatelessApp.Stack.Cli;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

public class CommandLineTests
{
    private static readonly string[] ControllerVerbs = ["up", "status", "down", "logs", "kill", "start", "backup", "restore"];

    [Fact]
    public void Up_takes_fresh_and_a_proxy_kind()
    {
        var command = Command.Parse(["up", "--fresh", "--proxy", "nginx"]);

        Assert.Equal("up", command.Verb);
        Assert.True(command.Fresh);
        Assert.Equal(ProxyKind.Nginx, command.Proxy);
    }

    [Fact]
    public void Backup_is_differential_unless_told_full()
    {
        Assert.False(Command.Parse(["backup"]).Full);
        Assert.True(Command.Parse(["backup", "--full"]).Full);
    }

    [Fact]
    public void Restore_takes_a_time_in_UTC_unless_it_has_an_offset_and_an_address()
    {
        var command = Command.Parse(["restore", "--time", "2026-12-05 18:00:01.25", "--into", "127.3.0.42"]);

        Assert.Equal(new DateTimeOffset(2026, 12, 5, 18, 0, 1, 250, TimeSpan.Zero), command.RestoreTime);
        Assert.Equal(System.Net.IPAddress.Parse("127.3.0.42"), command.Into);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 17, 0, 0, TimeSpan.Zero), Command.Parse(["restore", "--time", "2026-12-05T18:00:00+01:00"]).RestoreTime);
        Assert.True(Command.Parse(["restore", "--drop"]).Drop);
    }

    [Fact]
    public void Up_starts_the_observability_servers_unless_told_not_to()
    {
        Assert.True(Command.Parse(["up"]).Observability);
        Assert.False(Command.Parse(["up", "--no-observability", "--fresh"]).Observability);
    }

    [Fact]
    public void Up_puts_distance_between_the_sites_unless_told_not_to()
    {
        Assert.True(Command.Parse(["up"]).Distance);
        Assert.False(Command.Parse(["up", "--fresh", "--no-distance"]).Distance);
        Assert.Contains("--no-distance", Command.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_state_file_remembers_that_observability_is_off()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("stack-state-").FullName, "state.env");
        try
        {
            Assert.True(StackState.Read(file).Observability);
            (new StackState(ProxyKind.Nginx, "pg-b") with { Observability = false }).Write(file);

            Assert.Equal(new StackState(ProxyKind.Nginx, "pg-b") { Observability = false }, StackState.Read(file));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public void Kill_and_start_take_one_target()
    {
        Assert.Equal("region-a", Command.Parse(["kill", "region-a"]).Target);
        Assert.Equal("redis-a", Command.Parse(["start", "redis-a"]).Target);
    }

    [Fact]
    public void Logs_may_follow_one_node()
    {
        var command = Command.Parse(["logs", "-f", "pg-a"]);

        Assert.True(command.Follow);
        Assert.Equal("pg-a", command.Target);
        Assert.Null(Command.Parse(["logs"]).Target);
    }

    [Fact]
    public void The_usage_text_lists_every_verb_of_the_controller_and_of_the_wrapper_script()
    {
        var root = StackPaths.FindRepositoryRoot();
        // The wrapper handles some verbs itself (`test`, `drills`) before it runs the controller: "  drills)" in its case.
        var wrapperVerbs = File.ReadLines(Path.Combine(root, "stack"))
            .Select(line => line.Trim())
            .Where(line => line.EndsWith(')') && line.All(c => char.IsAsciiLetterLower(c) || c == ')'))
            .Select(line => line.TrimEnd(')'));
        var usageVerbs = Command.Usage.Split('\n').Skip(1).Select(line => line.TrimStart().Split(' ')[0]).ToList();

        Assert.Equal(["test", "drills"], wrapperVerbs);
        Assert.All(ControllerVerbs.Concat(wrapperVerbs), verb => Assert.Contains(verb, usageVerbs));
    }

    [Theory]
    [InlineData("no command given")]
    [InlineData("unknown command 'deploy'", "deploy")]
    [InlineData("unknown option for up: '--fast'", "up", "--fast")]
    [InlineData("--proxy must be haproxy or nginx, not 'envoy'", "up", "--proxy", "envoy")]
    [InlineData("--proxy needs a value: haproxy or nginx", "up", "--proxy")]
    [InlineData("kill takes exactly one target (a node name, region-a, region-b or witness)", "kill")]
    [InlineData("start takes exactly one target (a node name, region-a, region-b or witness)", "start", "a", "b")]
    [InlineData("status takes no arguments, got: --all", "status", "--all")]
    [InlineData("backup takes no arguments, got: --incremental", "backup", "--incremental")]
    [InlineData("restore takes either --time T or --drop", "restore")]
    [InlineData("restore takes either --time T or --drop", "restore", "--drop", "--time", "2026-12-05T18:00:00Z")]
    [InlineData("--time takes a date and time (ISO 8601, UTC unless it has an offset), not 'yesterday'", "restore", "--time", "yesterday")]
    [InlineData("--into takes an IPv4 address, not 'witness'", "restore", "--time", "2026-12-05T18:00:00Z", "--into", "witness")]
    public void Bad_arguments_say_what_is_wrong(string message, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => Command.Parse(args));

        Assert.Equal(message, error.Message);
    }
}
