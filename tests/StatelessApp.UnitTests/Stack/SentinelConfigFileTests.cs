using StatelessApp.Stack.Servers;

namespace StatelessApp.UnitTests.Stack;

/// <summary>Reading the last promoted Redis primary from Sentinel config files, for a start while no Sentinel runs.</summary>
public sealed class SentinelConfigFileTests
{
    [Fact]
    public void A_rewritten_file_names_the_promoted_primary_and_its_epoch()
    {
        var lines = new[]
        {
            "port 26379",
            "sentinel monitor stateless 127.2.0.21 6379 2",
            "sentinel auth-pass stateless secret",
            "sentinel config-epoch stateless 3",
            "sentinel known-replica stateless 127.1.0.21 6379",
        };

        Assert.Equal(("127.2.0.21:6379", 3L), SentinelConfigFile.ReadPrimary(lines, "stateless"));
    }

    [Fact]
    public void A_file_that_never_failed_over_has_epoch_zero_and_another_name_is_not_read()
    {
        var lines = new[] { "sentinel monitor stateless 127.1.0.21 6379 2" };

        Assert.Equal(("127.1.0.21:6379", 0L), SentinelConfigFile.ReadPrimary(lines, "stateless"));
        Assert.Null(SentinelConfigFile.ReadPrimary(lines, "other"));
    }

    [Fact]
    public void Among_several_files_the_highest_epoch_wins_and_missing_files_are_skipped()
    {
        var folder = Directory.CreateTempSubdirectory("sentinel-configs-");
        try
        {
            var stale = Path.Combine(folder.FullName, "a.conf");
            var current = Path.Combine(folder.FullName, "b.conf");
            File.WriteAllLines(stale, ["sentinel monitor stateless 127.1.0.21 6379 2", "sentinel config-epoch stateless 1"]);
            File.WriteAllLines(current, ["sentinel monitor stateless 127.2.0.21 6379 2", "sentinel config-epoch stateless 2"]);

            var primary = SentinelConfigFile.LatestPrimary([stale, Path.Combine(folder.FullName, "missing.conf"), current], "stateless");

            Assert.Equal("127.2.0.21:6379", primary);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
