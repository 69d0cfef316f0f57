using StatelessApp.Stack.Cli;

namespace StatelessApp.UnitTests.Stack;

public class DayTwoCommandTests
{
    [Theory]
    [InlineData("region-a")]
    [InlineData("region-b")]
    public void Rebuild_takes_a_data_region(string region)
    {
        var command = Command.Parse(["rebuild", region]);

        Assert.Equal("rebuild", command.Verb);
        Assert.Equal(region, command.Target);
        Assert.False(command.Switchover);
    }

    [Fact]
    public void Rebuild_may_switch_the_primaries_over_first()
    {
        Assert.True(Command.Parse(["rebuild", "--switchover", "region-b"]).Switchover);
    }

    [Theory]
    [InlineData("witness")]
    [InlineData("all")]
    [InlineData("etcd-b")]
    public void Rebuild_refuses_anything_but_a_data_region(string target)
    {
        Assert.Throws<UsageException>(() => Command.Parse(["rebuild", target]));
        Assert.Throws<UsageException>(() => Command.Parse(["rebuild"]));
    }

    [Fact]
    public void Rotate_takes_secrets_or_certificates()
    {
        Assert.Equal("secrets", Command.Parse(["rotate", "secrets"]).Target);
        Assert.Equal("certificates", Command.Parse(["rotate", "certificates"]).Target);
        Assert.Throws<UsageException>(() => Command.Parse(["rotate", "passwords"]));
    }
}
