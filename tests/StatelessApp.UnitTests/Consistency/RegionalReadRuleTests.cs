using NpgsqlTypes;
using StatelessApp.Hosting.Consistency;

namespace StatelessApp.UnitTests.Consistency;

/// <summary>
/// The read rule of an instance in region "a" (pg-a, pg-b: one node a region; the primary moves between them).
/// Pure: roles, positions and regions in, a decision out.
/// </summary>
public sealed class RegionalReadRuleTests
{
    private static readonly NpgsqlLogSequenceNumber Behind = new(100);
    private static readonly NpgsqlLogSequenceNumber Token = new(200);
    private static readonly NpgsqlLogSequenceNumber Ahead = new(300);

    [Fact]
    public void Without_a_token_a_standby_of_the_own_region_is_chosen_over_one_elsewhere()
    {
        ReadCandidate[] usable = [new("b", Ahead), new("a", Ahead)];

        for (uint turn = 0; turn < 4; turn++)
        {
            Assert.Equal(new ReadDecision(ReadDestination.Standby, 1), Decide("a", "c", usable, token: null, turn: turn));
        }
    }

    [Fact]
    public void Without_a_usable_standby_of_its_own_region_an_instance_reads_from_the_primary_when_it_is_there()
    {
        ReadCandidate[] usable = [new("b", Ahead)];

        Assert.Equal(new ReadDecision(ReadDestination.PrimaryInRegion), Decide("a", "a", usable, token: null));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryInRegion), Decide("a", "a", usable, Token));
    }

    [Fact]
    public void With_the_primary_elsewhere_a_standby_elsewhere_serves_as_without_regions()
    {
        ReadCandidate[] usable = [new("b", Ahead)];

        Assert.Equal(new ReadDecision(ReadDestination.StandbyElsewhere, 0), Decide("a", "b", usable, token: null));
        Assert.Equal(new ReadDecision(ReadDestination.StandbyElsewhere, 0), Decide("a", "b", usable, Token));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryBecauseStandbyUnavailable), Decide("a", "b", [], token: null));
    }

    [Fact]
    public void The_rule_follows_the_primary_when_it_fails_over()
    {
        // Region b's instance: pg-a primary, pg-b a standby of its own region.
        ReadCandidate[] before = [new("b", Ahead)];
        Assert.Equal(new ReadDecision(ReadDestination.Standby, 0), Decide("b", "a", before, token: null));

        // pg-b is promoted and pg-a rejoins as its standby: b reads from its primary, a from its standby.
        ReadCandidate[] after = [new("a", Ahead)];
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryInRegion), Decide("b", "b", after, token: null));
        Assert.Equal(new ReadDecision(ReadDestination.Standby, 0), Decide("a", "b", after, token: null));
    }

    [Fact]
    public void An_own_region_standby_serves_a_token_only_once_it_has_replayed_it()
    {
        Assert.Equal(new ReadDecision(ReadDestination.Standby, 0), Decide("a", "b", [new("a", Token)], Token));

        // Behind, and the primary elsewhere: wait for it (a few ms) rather than cross, unless waiting is not allowed.
        Assert.Equal(new ReadDecision(ReadDestination.Standby, 0, Wait: true), Decide("a", "b", [new("a", Behind)], Token));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryBecauseToken), Decide("a", "b", [new("a", Behind)], Token, mayWait: false));

        // Behind, and the primary in the own region: the primary, without waiting.
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryInRegion), Decide("a", "a", [new("a", Behind)], Token));
    }

    [Fact]
    public void With_a_token_a_standby_elsewhere_that_has_replayed_it_beats_waiting_for_none()
    {
        ReadCandidate[] usable = [new("b", Behind), new("c", Ahead)];

        Assert.Equal(new ReadDecision(ReadDestination.StandbyElsewhere, 1), Decide("a", "b", usable, Token));
        Assert.Equal(new ReadDecision(ReadDestination.StandbyElsewhere, 0, Wait: true), Decide("a", "b", [new("b", Behind)], Token));
    }

    [Fact]
    public void Waiting_prefers_the_own_region_even_when_a_standby_elsewhere_is_further_ahead()
    {
        ReadCandidate[] usable = [new("b", new NpgsqlLogSequenceNumber(199)), new("a", Behind)];

        Assert.Equal(new ReadDecision(ReadDestination.Standby, 1, Wait: true), Decide("a", "b", usable, Token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_regions_the_rule_is_the_region_less_one(string? instanceRegion)
    {
        ReadCandidate[] usable = [new(null, Behind), new(null, Ahead), new(null, Token)];

        // Token-less reads take the usable standbys in turn.
        Assert.Equal([0, 1, 2, 0], Enumerable.Range(3, 4).Select(turn => Decide(instanceRegion, null, usable, null, turn: (uint)turn).Standby));
        Assert.All(Enumerable.Range(0, 3), turn =>
            Assert.Equal(ReadDestination.Standby, Decide(instanceRegion, null, usable, null, turn: (uint)turn).Destination));
        // A token: the first that has replayed it; else wait for the most advanced; else the primary.
        Assert.Equal(new ReadDecision(ReadDestination.Standby, 1), Decide(instanceRegion, null, usable, Token));
        Assert.Equal(new ReadDecision(ReadDestination.Standby, 1, Wait: true), Decide(instanceRegion, null, usable, new NpgsqlLogSequenceNumber(400)));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryBecauseToken), Decide(instanceRegion, null, usable, new NpgsqlLogSequenceNumber(400), mayWait: false));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryBecauseStandbyUnavailable), Decide(instanceRegion, null, [], Token));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryBecauseStandbyUnavailable), Decide(instanceRegion, null, [], token: null));
    }

    [Fact]
    public void Node_regions_are_ignored_by_an_instance_without_a_region()
    {
        ReadCandidate[] usable = [new("b", Ahead)];

        Assert.Equal(new ReadDecision(ReadDestination.Standby, 0), Decide(null, "a", usable, token: null));
        Assert.Equal(new ReadDecision(ReadDestination.PrimaryBecauseStandbyUnavailable), Decide(null, "a", [], token: null));
    }

    private static ReadDecision Decide(
        string? instanceRegion, string? primaryRegion, IReadOnlyList<ReadCandidate> usable, NpgsqlLogSequenceNumber? token,
        bool mayWait = true, uint turn = 0) =>
        RegionalReadRule.Decide(instanceRegion, primaryRegion, usable, token, mayWait, turn);
}
