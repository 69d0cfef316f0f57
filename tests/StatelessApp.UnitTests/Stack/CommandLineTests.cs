using StatelessApp.Stack;
using StatelessApp.Stack.Cli;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

public class CommandLineTests
{
    private static readonly string[] ControllerVerbs = ["up", "status", "down", "logs", "kill", "start"];

    [Fact]
    public void Up_takes_fresh_and_a_proxy_kind()
    {
        var command = Command.Parse(["up", "--fresh", "--proxy", "nginx"]);

        Assert.Equal("up", command.Verb);
        Assert.True(command.Fresh);
        Assert.Equal(ProxyKind.Nginx, command.Proxy);
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
    public void Bad_arguments_say_what_is_wrong(string message, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => Command.Parse(args));

        Assert.Equal(message, error.Message);
    }
}
