using NpgsqlTypes;
using StatelessApp.Hosting.Data;

namespace StatelessApp.UnitTests.Data;

/// <summary>The rule that decides whether a commit may be acknowledged, from one pg_stat_replication reading.</summary>
public sealed class ReplicationSnapshotTests
{
    private static readonly NpgsqlLogSequenceNumber Commit = NpgsqlLogSequenceNumber.Parse("0/3000100");

    [Theory]
    [InlineData("0/3000100")]
    [InlineData("0/3000200")]
    [InlineData("1/0")]
    public void A_standby_that_flushed_up_to_or_past_the_commit_confirms_it(string flushed) =>
        Assert.Equal(StandbyConfirmationState.Confirmed,
            new ReplicationSnapshot(1, 1, 1, NpgsqlLogSequenceNumber.Parse(flushed)).Evaluate(Commit));

    [Fact]
    public void A_standby_behind_the_commit_leaves_it_pending() =>
        Assert.Equal(StandbyConfirmationState.Pending,
            new ReplicationSnapshot(1, 1, 1, NpgsqlLogSequenceNumber.Parse("0/30000FF")).Evaluate(Commit));

    [Fact]
    public void With_no_sender_at_all_there_is_no_standby_to_wait_for() =>
        Assert.Equal(StandbyConfirmationState.NoStandby, new ReplicationSnapshot(0, 0, 0, null).Evaluate(Commit));

    [Fact]
    public void A_sender_still_starting_or_taking_a_base_backup_is_not_a_standby_to_wait_for() =>
        Assert.Equal(StandbyConfirmationState.NoStandby, new ReplicationSnapshot(1, 1, 0, null).Evaluate(Commit));

    [Fact]
    public void Senders_whose_details_are_hidden_mean_the_role_lacks_the_grant_not_that_no_standby_exists() =>
        Assert.Equal(StandbyConfirmationState.NotPermitted, new ReplicationSnapshot(1, 0, 0, null).Evaluate(Commit));
}
