using StatelessApp.Stack.Cli;

namespace StatelessApp.UnitTests.Stack.Releases;

public class UpgradeCommandLineTests
{
    [Fact]
    public void Upgrade_takes_an_optional_version()
    {
        Assert.Equal(new Command("upgrade"), Command.Parse(["upgrade"]));
        Assert.Equal("1.1.0-rc.1", Command.Parse(["upgrade", "--version", "1.1.0-rc.1"]).Version);
    }

    [Fact]
    public void Rollback_takes_nothing()
    {
        Assert.Equal(new Command("rollback"), Command.Parse(["rollback"]));
    }

    [Fact]
    public void The_usage_text_lists_upgrade_and_rollback()
    {
        var usageVerbs = Command.Usage.Split('\n').Skip(1).Select(line => line.TrimStart().Split(' ')[0]).ToList();

        Assert.Contains("upgrade", usageVerbs);
        Assert.Contains("rollback", usageVerbs);
    }

    [Theory]
    [InlineData("--version needs one value without spaces, e.g. 1.1.0", "upgrade", "--version")]
    [InlineData("--version needs one value without spaces, e.g. 1.1.0", "upgrade", "--version", "--fresh")]
    [InlineData("--version needs one value without spaces, e.g. 1.1.0", "upgrade", "--version", "1.1 beta")]
    [InlineData("--version needs one value without spaces, e.g. 1.1.0", "upgrade", "--version", "1.1.0", "1.2.0")]
    [InlineData("unknown option for upgrade: '--fast'", "upgrade", "--fast")]
    [InlineData("rollback takes no arguments, got: 1.0.0", "rollback", "1.0.0")]
    public void Bad_arguments_say_what_is_wrong(string message, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => Command.Parse(args));

        Assert.Equal(message, error.Message);
    }
}
