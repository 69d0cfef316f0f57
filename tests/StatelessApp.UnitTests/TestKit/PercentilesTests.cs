using StatelessApp.TestKit.Statistics;

namespace StatelessApp.UnitTests.TestKit;

public class PercentilesTests
{
    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    public void Median_of_odd_and_even_counts(double[] values, double median) => Assert.Equal(median, Percentiles.Median(values));

    [Fact]
    public void Percentile_is_the_nearest_rank()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();

        Assert.Equal(50, Percentiles.Of(values, 0.5));
        Assert.Equal(99, Percentiles.Of(values, 0.99));
        Assert.Equal(100, Percentiles.Of(values, 1));
        Assert.Equal(1, Percentiles.Of(values, 0));
    }

    [Fact]
    public void No_values_have_no_median_or_percentile()
    {
        Assert.True(double.IsNaN(Percentiles.Median([])));
        Assert.True(double.IsNaN(Percentiles.Of([], 0.99)));
    }
}
