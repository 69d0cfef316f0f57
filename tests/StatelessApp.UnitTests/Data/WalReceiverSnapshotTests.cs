using NpgsqlTypes;
using StatelessApp.Hosting.Data;

namespace StatelessApp.UnitTests.Data;

/// <summary>The rule that decides whether a standby, asked directly, vouches for a commit: one pg_stat_wal_receiver reading.</summary>
public sealed class WalReceiverSnapshotTests
{
    private const int Timeline = 3;
    private static readonly NpgsqlLogSequenceNumber Commit = NpgsqlLogSequenceNumber.Parse("0/3000100");

    [Theory]
    [InlineData("0/3000100")]
    [InlineData("0/3000200")]
    [InlineData("1/0")]
    public void A_standby_streaming_the_commits_timeline_that_flushed_up_to_or_past_it_vouches_for_it(string flushed) =>
        Assert.Equal(WalReceiverVerdict.Flushed, Streaming(Timeline, flushed).Evaluate(Commit, Timeline));

    [Fact]
    public void A_standby_streaming_the_commits_timeline_but_behind_it_has_not_yet() =>
        Assert.Equal(WalReceiverVerdict.NotYet, Streaming(Timeline, "0/30000FF").Evaluate(Commit, Timeline));

    [Theory]
    [InlineData(Timeline - 1)] // not yet switched to the primary that was promoted
    [InlineData(Timeline + 1)] // the commit was made on an old primary that has not noticed its demotion
    public void A_standby_on_another_timeline_cannot_tell_however_far_it_flushed(int standbyTimeline) =>
        Assert.Equal(WalReceiverVerdict.CannotTell, Streaming(standbyTimeline, "1/0").Evaluate(Commit, Timeline));

    [Theory]
    [InlineData("starting")]
    [InlineData("waiting")]
    [InlineData("restarting")]
    [InlineData("stopping")]
    [InlineData("")]
    public void A_receiver_that_is_not_streaming_cannot_tell_even_past_the_commit(string status) =>
        Assert.Equal(WalReceiverVerdict.CannotTell,
            new WalReceiverSnapshot(status, Timeline, NpgsqlLogSequenceNumber.Parse("1/0")).Evaluate(Commit, Timeline));

    [Fact]
    public void A_receiver_without_a_flushed_position_cannot_tell() =>
        Assert.Equal(WalReceiverVerdict.CannotTell, new WalReceiverSnapshot("streaming", Timeline, null).Evaluate(Commit, Timeline));

    private static WalReceiverSnapshot Streaming(int timeline, string flushed) =>
        new("streaming", timeline, NpgsqlLogSequenceNumber.Parse(flushed));
}
