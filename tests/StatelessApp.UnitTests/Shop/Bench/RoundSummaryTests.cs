using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class RoundSummaryTests
{
    [Fact]
    public void Figures_are_the_median_of_the_rounds_and_counts_are_summed()
    {
        var rounds = new[]
        {
            MeasurementFixtures.Measured(requests: 800, requestsPerSecond: 100, p99: 30, round: 1, redisPerRequest: 1),
            MeasurementFixtures.Measured(requests: 4000, requestsPerSecond: 500, p99: 10, round: 2, redisPerRequest: 1.5),
            MeasurementFixtures.Measured(requests: 1600, requestsPerSecond: 200, p99: 20, round: 3, redisPerRequest: 1),
        };

        var summary = Assert.Single(RoundSummary.MediansOf(rounds));

        Assert.Equal(0, summary.Round);
        Assert.Equal(200, summary.RequestsPerSecond);
        Assert.Equal(20, summary.P99Milliseconds);
        Assert.Equal(6400, summary.Requests);
        Assert.Equal([100, 500, 200], summary.RequestsPerSecondByRound);
        // (800 + 6000 + 1600) commands over 6400 requests: weighted by requests, not a median of ratios.
        Assert.Equal(8400.0 / 6400, summary.RedisCommandsPerRequest, 9);
        Assert.Equal(8400.0 / 6400, summary.RedisCommandsPerRequestByCommand["getex"], 9);
    }
}
