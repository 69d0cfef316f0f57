using StatelessApp.Stack.Backups;

namespace StatelessApp.UnitTests.Stack;

/// <summary>pgBackRest's configuration file, what `pgbackrest info` answers, and the times a restore reads and writes.</summary>
public class PgBackRestTests
{
    [Fact]
    public void A_node_configuration_names_the_stanza_the_repository_and_the_node_and_holds_no_password()
    {
        var config = PgBackRest.Configuration("/backup/pgbackrest", "/backup/pgbackrest-lock", "/data/pg-a/data", "/data/pg-a/socket", 5432);

        Assert.Contains("[shop]\n", config, StringComparison.Ordinal);
        Assert.Contains("repo1-path=/backup/pgbackrest\n", config, StringComparison.Ordinal);
        Assert.Contains("repo1-retention-full=2\n", config, StringComparison.Ordinal);
        Assert.Contains("lock-path=/backup/pgbackrest-lock\n", config, StringComparison.Ordinal);
        Assert.Contains("pg1-path=/data/pg-a/data\n", config, StringComparison.Ordinal);
        Assert.Contains("pg1-socket-path=/data/pg-a/socket\n", config, StringComparison.Ordinal);
        Assert.DoesNotContain("pass", config, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Info_lists_the_backups_oldest_first_and_the_archive_after_any_warning()
    {
        const string output = """
            WARN: a warning pgBackRest prints first
            [{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000009","min":"000000010000000000000001"}],
              "backup":[
                {"label":"20261205-173852F","type":"full","timestamp":{"start":1796492332,"stop":1796492335},"info":{"size":22992525,"repository":{"delta":3043479,"size":3043479}}},
                {"label":"20261205-173852F_20261205-180000D","type":"diff","timestamp":{"start":1796493600,"stop":1796493602},"info":{"size":22992525,"repository":{"delta":1024,"size":1024}}}],
              "name":"shop","status":{"code":0,"message":"ok"}}]
            """;

        var info = RepositoryInfo.Parse(output);

        Assert.Equal(["20261205-173852F", "20261205-173852F_20261205-180000D"], info.Backups.Select(b => b.Label));
        Assert.Equal("diff", info.Backups[1].Type);
        Assert.Equal(3043479, info.Backups[0].RepositoryBytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796492332), info.Backups[0].Started);
        Assert.Equal(("000000010000000000000001", "000000010000000000000009"), (info.OldestWal, info.NewestWal));
    }

    [Fact]
    public void Info_of_an_empty_stanza_has_no_backup()
    {
        var info = RepositoryInfo.Parse("""[{"archive":[],"backup":[],"name":"shop","status":{"code":2,"message":"no valid backups"}}]""");

        Assert.Empty(info.Backups);
        Assert.Null(info.NewestWal);
    }

    [Fact]
    public void The_target_is_written_in_UTC_with_microseconds_and_log_times_are_read_back()
    {
        var target = new DateTimeOffset(2026, 12, 5, 19, 39, 0, TimeSpan.FromHours(2)).AddTicks(3988870);

        Assert.Equal("2026-12-05 17:39:00.398887+00", PointInTimeRestore.FormatTarget(target));
        Assert.Equal(target, PointInTimeRestore.ParseLogTime("2026-12-05 17:39:00.398887+00"));
    }
}
