using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.RateLimiting;

namespace StatelessApp.UnitTests.RateLimiting;

/// <summary>The instance's tally of the request counters, on a fake clock: verdicts, answers, window ends, the cap.</summary>
public sealed class WindowTallyTests
{
    private static readonly DateTimeOffset WindowStart = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowEnd = WindowStart.AddSeconds(10);

    [Fact]
    public void Hits_are_granted_from_known_plus_pending_then_asked_near_the_limit_and_refused_once_Redis_counted_past_it()
    {
        var tally = new WindowTally(100, new FakeTimeProvider(WindowStart));
        var counter = Counter("c", permits: 6, local: 3);

        var first = Take(tally, [counter]);
        var blind = Take(tally, [counter]); // no answer yet, one hit pending: nothing known of the other instances
        Assert.Equal([TallyDecision.Grant, TallyDecision.Ask], new[] { first.Decision, blind.Decision });
        tally.Answered(first.Ticket, [1]);

        var second = Take(tally, [counter]); // 1 known + 1 pending + 1 = 3: still within the local share
        var third = Take(tally, [counter]);  // 1 + 2 + 1 > 3: near the limit
        Assert.Equal([TallyDecision.Grant, TallyDecision.Ask], new[] { second.Decision, third.Decision });
        Assert.Equal((1L, 3), tally.Peek("c"));

        tally.Answered(blind.Ticket, [2]);
        tally.Answered(second.Ticket, [5]); // another instance's two hits came in between
        tally.Answered(third.Ticket, [7]);
        Assert.Equal((7L, 0), tally.Peek("c"));

        var refused = Take(tally, [Counter("other", permits: 100, local: 50), counter]);
        Assert.Equal((TallyDecision.Refuse, 1), (refused.Decision, refused.Over));
        Assert.Equal((7L, 0), tally.Peek("c")); // a refused hit is not sent, so not pending
    }

    [Fact]
    public void At_the_limit_but_not_past_it_a_hit_is_asked_not_refused()
    {
        var tally = new WindowTally(100, new FakeTimeProvider(WindowStart));
        var counter = Counter("c", permits: 2, local: 2);
        tally.Answered(Take(tally, [counter]).Ticket, [2]);

        // Redis has 2 of 2: the next is over, but only Redis's count may say so (and log it once for every instance).
        Assert.Equal(TallyDecision.Ask, Take(tally, [counter]).Decision);
    }

    [Fact]
    public void One_instance_s_concurrent_hits_count_exactly_and_an_unanswered_hit_stops_counting()
    {
        var tally = new WindowTally(100, new FakeTimeProvider(WindowStart));
        var counter = Counter("c", permits: 100, local: 4);
        tally.Answered(Take(tally, [counter]).Ticket, [1]);

        var taken = Enumerable.Range(0, 4).Select(_ => Take(tally, [counter])).ToList();
        Assert.Equal([TallyDecision.Grant, TallyDecision.Grant, TallyDecision.Grant, TallyDecision.Ask], taken.Select(t => t.Decision));

        tally.Unanswered(taken[0].Ticket);
        tally.Answered(taken[2].Ticket, [3]); // a reordered answer: known never goes down
        tally.Answered(taken[1].Ticket, [2]);
        Assert.Equal((3L, 1), tally.Peek("c"));
        Assert.Equal(TallyDecision.Ask, Take(tally, [counter]).Decision);
    }

    [Fact]
    public void A_hit_on_two_counters_is_asked_when_either_is_near_its_limit_and_reserves_both()
    {
        var tally = new WindowTally(100, new FakeTimeProvider(WindowStart));

        var taken = Take(tally, [Counter("client", permits: 100, local: 50), Counter("user", permits: 1, local: 0)]);
        Assert.Equal(TallyDecision.Ask, taken.Decision);
        Assert.Equal((0L, 1), tally.Peek("client"));
        Assert.Equal((0L, 1), tally.Peek("user"));

        tally.Answered(taken.Ticket, [7, 1]);
        Assert.Equal((7L, 0), tally.Peek("client"));
        Assert.Equal((1L, 0), tally.Peek("user"));
    }

    [Fact]
    public void A_counter_is_dropped_when_its_window_ends_and_the_next_window_starts_from_nothing()
    {
        var time = new FakeTimeProvider(WindowStart);
        var tally = new WindowTally(100, time);
        tally.Answered(Take(tally, [Counter("c:1", permits: 2, local: 1)]).Ticket, [3]);
        Assert.Equal(TallyDecision.Refuse, Take(tally, [Counter("c:1", permits: 2, local: 1)]).Decision);

        time.Advance(TimeSpan.FromSeconds(10)); // the window's end
        var next = Take(tally, [new TalliedCounter("c:2", 2, 1, WindowEnd.AddSeconds(10))]);

        Assert.Equal(TallyDecision.Grant, next.Decision);
        Assert.Null(tally.Peek("c:1"));
        Assert.Equal(1, tally.Count);
    }

    [Fact]
    public void Past_its_capacity_the_least_recently_used_counter_is_dropped()
    {
        var tally = new WindowTally(3, new FakeTimeProvider(WindowStart));
        foreach (var key in new[] { "a", "b", "c" })
        {
            tally.Answered(Take(tally, [Counter(key, permits: 10, local: 5)]).Ticket, [1]);
        }

        tally.Answered(Take(tally, [Counter("a", permits: 10, local: 5)]).Ticket, [2]); // "a" used again: "b" is now the oldest
        for (var i = 0; i < 1000; i++)
        {
            // Keys rotated as fast as a client can: the tally stays at its capacity.
            tally.Unanswered(Take(tally, [Counter($"rotated-{i}", permits: 10, local: 5)]).Ticket);
            Assert.True(tally.Count <= 3);
        }

        Assert.Null(tally.Peek("b"));
        Assert.Equal(3, tally.Count);

        var fresh = new WindowTally(3, new FakeTimeProvider(WindowStart));
        foreach (var key in new[] { "a", "b", "c" })
        {
            fresh.Answered(Take(fresh, [Counter(key, permits: 10, local: 5)]).Ticket, [1]);
        }

        fresh.Answered(Take(fresh, [Counter("a", permits: 10, local: 5)]).Ticket, [2]);
        Take(fresh, [Counter("d", permits: 10, local: 5)]);
        Assert.Null(fresh.Peek("b"));
        Assert.Equal((2L, 0), fresh.Peek("a"));
        Assert.Equal((1L, 0), fresh.Peek("c"));
    }

    private static (TallyDecision Decision, int Over, WindowTally.Ticket Ticket, Task<long[]>? Sent) Take(WindowTally tally, TalliedCounter[] counters) =>
        tally.Take(counters, () => Task.FromResult(Array.Empty<long>()));

    private static TalliedCounter Counter(string key, int permits, int local) => new(key, permits, local, WindowEnd);
}
