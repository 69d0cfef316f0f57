using System.Xml.Linq;
using StatelessApp.TestKit.Timelines;

namespace StatelessApp.UnitTests.TestKit;

/// <summary>The drills' timelines from made-up records: per-second buckets, lanes and their changes, the image and its data.</summary>
public class TimelineTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Events_count_in_the_second_they_happened_in_for_every_key_asked()
    {
        (TimeSpan, string)[] events =
        [
            (TimeSpan.FromSeconds(0.1), "ok"), (TimeSpan.FromSeconds(0.99), "ok"), (TimeSpan.FromSeconds(1.0), "ok"),
            (TimeSpan.FromSeconds(2.5), "503"), (TimeSpan.FromSeconds(2.6), "other"),
            (TimeSpan.FromSeconds(-0.1), "ok"), (TimeSpan.FromSeconds(3.2), "ok"), // before the start, after the end
        ];

        var counts = PerSecond.Count(events, ["ok", "503", "failed"], TimeSpan.FromSeconds(3.2));

        Assert.Equal([2, 1, 0, 0], counts["ok"]);
        Assert.Equal([0, 0, 1, 0], counts["503"]);
        Assert.Equal([0, 0, 0, 0], counts["failed"]);
        Assert.False(counts.ContainsKey("other"));
    }

    [Fact]
    public void Samples_of_one_state_merge_into_a_segment_that_lasts_until_the_next_state()
    {
        var samples = new[] { (0.0, "pg-a"), (0.25, "pg-a"), (0.5, "none"), (0.75, "none"), (1.0, "pg-b"), (1.25, "pg-b") }
            .Select(s => (TimeSpan.FromSeconds(s.Item1), s.Item2));

        var segments = LaneSegments.FromSamples(samples, TimeSpan.FromSeconds(2), alarm: state => state == "none");

        Assert.Equal(
        [
            new LaneSegment(TimeSpan.Zero, TimeSpan.FromSeconds(0.5), "pg-a"),
            new LaneSegment(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), "none", Alarm: true),
            new LaneSegment(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), "pg-b"),
        ], segments);
        Assert.Equal([(TimeSpan.FromSeconds(0.5), "pg-a", "none"), (TimeSpan.FromSeconds(1), "none", "pg-b")], LaneSegments.Changes(segments));
    }

    [Fact]
    public void A_takeover_is_another_state_after_the_last_good_one_not_the_same_one_back()
    {
        var samples = new[] { (0.0, "redis-a"), (1.0, "none"), (1.5, "redis-b"), (3.0, "none"), (3.2, "redis-b"), (4.0, "redis-b + redis-a"), (4.5, "redis-a") }
            .Select(s => (TimeSpan.FromSeconds(s.Item1), s.Item2));
        var segments = LaneSegments.FromSamples(samples, TimeSpan.FromSeconds(5));

        var takeovers = LaneSegments.Takeovers(segments, TimeSpan.FromSeconds(0.5), state => state == "none" || state.Contains('+', StringComparison.Ordinal));

        Assert.Equal([(TimeSpan.FromSeconds(1.5), "redis-b"), (TimeSpan.FromSeconds(4.5), "redis-a")], takeovers);
        Assert.Empty(LaneSegments.Takeovers(segments, TimeSpan.FromSeconds(5), state => state == "none"));
    }

    [Fact]
    public void No_samples_make_no_segment()
    {
        var segments = LaneSegments.FromSamples([], TimeSpan.FromSeconds(5));

        Assert.Empty(segments);
        Assert.Empty(LaneSegments.Changes(segments));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(7, 10)]
    [InlineData(10, 10)]
    [InlineData(11, 20)]
    [InlineData(230, 500)]
    public void The_axis_ends_at_1_2_or_5_times_a_power_of_ten(double largest, double axis) =>
        Assert.Equal(axis, TimelineSvg.NiceCeiling(largest));

    [Fact]
    public void The_image_is_svg_with_a_bar_per_nonzero_count_a_line_per_mark_and_every_lane()
    {
        var svg = XDocument.Parse(TimelineSvg.Render(Sample()));

        Assert.Equal(Svg + "svg", svg.Root!.Name);
        var titles = svg.Descendants(Svg + "title").Select(t => t.Value).ToList();
        // ok: 3 non-zero seconds, 503: 1; region a: 1, b: 1.
        Assert.Equal(4, titles.Count(t => t.EndsWith(" ok", StringComparison.Ordinal) || t.EndsWith(" 503 refused", StringComparison.Ordinal)));
        Assert.Contains("1-2 s: 2 503 refused", titles);
        Assert.Equal(["0-1 s: 2 a", "1-2 s: 3 b"], titles.Where(t => t.EndsWith(" a", StringComparison.Ordinal) || t.EndsWith(" b", StringComparison.Ordinal)));
        Assert.Contains("1.0 s: fault: kill redis-a", titles);
        Assert.Contains("Redis primary: none, 1.0-2.0 s", titles);
        Assert.Contains("RedisReplicaLinkDown: firing, 1.5-3.0 s", titles);
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("fault: kill redis-a (1.0 s)", texts);
        Assert.Contains("Sentinel promoted redis-b (2.0 s)", texts);
        Assert.Contains("ok (5)", texts); // the legend names each series with its total
        Assert.Contains("kill the Redis primary <&>", texts); // escaped in the file, intact when read
    }

    [Fact]
    public void Marks_close_together_get_label_rows_of_their_own()
    {
        var timeline = Sample() with
        {
            Marks = [new(TimeSpan.FromSeconds(1), "first", TimelineMarkKind.Fault), new(TimeSpan.FromSeconds(1.1), "second", TimelineMarkKind.Heal)],
        };

        var labels = XDocument.Parse(TimelineSvg.Render(timeline)).Descendants(Svg + "text")
            .Where(t => t.Value.StartsWith("first (", StringComparison.Ordinal) || t.Value.StartsWith("second (", StringComparison.Ordinal))
            .Select(t => double.Parse(t.Attribute("y")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.Equal(2, labels.Distinct().Count());
    }

    [Fact]
    public void The_data_files_hold_one_row_per_second_and_the_whole_timeline()
    {
        var folder = Directory.CreateTempSubdirectory("timeline-test-").FullName;
        try
        {
            var image = TimelineFiles.Write(Sample(), folder, "kill-the-redis-primary");

            Assert.Equal(Path.Combine(folder, "kill-the-redis-primary.svg"), image);
            Assert.Equal(
                "second,outcome ok,outcome 503 refused,region a,region b\n0,2,0,2,0\n1,1,2,0,3\n2,2,0,0,0\n",
                File.ReadAllText(Path.Combine(folder, "kill-the-redis-primary.csv")).ReplaceLineEndings("\n"));
            var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "kill-the-redis-primary.json"))).RootElement;
            Assert.Equal(3, json.GetProperty("duration").GetDouble());
            Assert.Equal("fault", json.GetProperty("marks")[0].GetProperty("kind").GetString());
            Assert.Equal(1.5, json.GetProperty("lanes")[1].GetProperty("segments")[0].GetProperty("from").GetDouble());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("kill the Redis primary", "kill-the-redis-primary")]
    [InlineData("cut the network between A and B, heal", "cut-the-network-between-a-and-b-heal")]
    [InlineData("restart everything (down, up)", "restart-everything-down-up")]
    public void File_names_come_from_the_drill_title(string title, string name) => Assert.Equal(name, TimelineFiles.NameOf(title));

    private static Timeline Sample() => new("kill the Redis primary <&>", TimeSpan.FromSeconds(3))
    {
        Subtitle = "made up",
        Outcomes = [new("ok", "green", [2, 1, 2]), new("503 refused", "orange", [0, 2, 0])],
        Regions = [new("a", "blue", [2, 0, 0]), new("b", "red", [0, 3, 0])],
        Marks =
        [
            new(TimeSpan.FromSeconds(1), "fault: kill redis-a", TimelineMarkKind.Fault),
            new(TimeSpan.FromSeconds(2), "Sentinel promoted redis-b", TimelineMarkKind.Promotion),
        ],
        Lanes =
        [
            new("Redis primary", [new(TimeSpan.Zero, TimeSpan.FromSeconds(1), "redis-a"), new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), "none", true),
                new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), "redis-b")]),
            new("RedisReplicaLinkDown", [new(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3), "firing", true)]),
        ],
    };
}
