using System.Globalization;
using System.Xml.Linq;

namespace StatelessApp.TestKit.Timelines;

/// <summary>
/// Draws a <see cref="Timeline"/> as one SVG image (no dependency: browsers and GitHub's Markdown show it as is): the
/// requests-per-second charts by outcome and by region stacked per second, the lanes under them, and the marks as
/// vertical lines through all of it with their labels on top.
/// </summary>
public static class TimelineSvg
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private const double Width = 1160;
    private const double Left = 260; // room for the lanes' names
    private const double Right = 200; // room for the legends
    private const double OutcomeHeight = 150;
    private const double RegionHeight = 90;
    private const double PanelGap = 28;
    private const double LaneHeight = 16;
    private const double LaneGap = 4;
    private const double MarkRowHeight = 13;
    private static readonly int[] NiceSteps = [1, 2, 5, 10];
    private const double LabelCharWidth = 6.2; // 11 px sans-serif, roughly; only used to keep labels from overlapping

    public static string Render(Timeline timeline)
    {
        var plotWidth = Width - Left - Right;
        var seconds = Math.Max(1, timeline.Seconds);
        double X(TimeSpan at) => Left + plotWidth * Math.Clamp(at.TotalSeconds / seconds, 0, 1);

        var marks = timeline.Marks.OrderBy(m => m.At).ToList();
        var markRows = MarkRows(marks, X);
        var markTop = 52.0;
        var outcomeTop = markTop + (markRows.Count == 0 ? 0 : markRows.Max() + 1) * MarkRowHeight + 22;
        var regionTop = outcomeTop + OutcomeHeight + PanelGap;
        var lanesTop = regionTop + RegionHeight + PanelGap;
        var lanesBottom = lanesTop + timeline.Lanes.Count * (LaneHeight + LaneGap);
        var axisY = lanesBottom + 4;
        var height = axisY + 34;

        var root = new XElement(Svg + "svg",
            new XAttribute("width", N(Width)), new XAttribute("height", N(height)),
            new XAttribute("viewBox", $"0 0 {N(Width)} {N(height)}"),
            new XAttribute("font-family", "DejaVu Sans, Verdana, sans-serif"), new XAttribute("font-size", "11"),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            Text(12, 20, timeline.Title, size: 15, weight: "bold"),
            Text(12, 38, timeline.Subtitle, fill: "#4a5568"));

        root.Add(StackedPanel("requests/s by outcome", timeline.Outcomes, outcomeTop, OutcomeHeight, seconds, plotWidth));
        root.Add(StackedPanel("requests/s by serving region", timeline.Regions, regionTop, RegionHeight, seconds, plotWidth));

        for (var i = 0; i < timeline.Lanes.Count; i++)
        {
            var lane = timeline.Lanes[i];
            var y = lanesTop + i * (LaneHeight + LaneGap);
            root.Add(Text(Left - 6, y + LaneHeight - 4, lane.Name, anchor: "end"));
            root.Add(Rect(Left, y, plotWidth, LaneHeight, "#f7fafc"));
            foreach (var segment in lane.Segments)
            {
                var x = X(segment.From);
                var w = Math.Max(1, X(segment.To) - x);
                root.Add(new XElement(Svg + "rect", Attributes(x, y, w, LaneHeight, segment.Alarm ? "#fc8181" : "#9ae6b4"),
                    new XAttribute("stroke", "white"), new XAttribute("stroke-width", "0.5"),
                    new XElement(Svg + "title", $"{lane.Name}: {segment.Label}, {S(segment.From)}-{S(segment.To)} s")));
                if (segment.Label.Length * LabelCharWidth < w - 4)
                {
                    root.Add(Text(x + 3, y + LaneHeight - 4, segment.Label, size: 10));
                }
            }
        }

        // The time axis, under everything.
        root.Add(Line(Left, axisY, Left + plotWidth, axisY, "#2d3748"));
        var step = seconds <= 40 ? 5 : seconds <= 120 ? 10 : 30;
        for (var s = 0; s <= seconds; s += step)
        {
            var x = X(TimeSpan.FromSeconds(s));
            root.Add(Line(x, axisY, x, axisY + 4, "#2d3748"));
            root.Add(Text(x, axisY + 15, s.ToString(CultureInfo.InvariantCulture), anchor: "middle"));
        }

        root.Add(Text(Left + plotWidth / 2, axisY + 29, "seconds since the load started", anchor: "middle", fill: "#4a5568"));

        for (var i = 0; i < marks.Count; i++)
        {
            var mark = marks[i];
            var x = X(mark.At);
            var colour = Colour(mark.Kind);
            var labelY = markTop + markRows[i] * MarkRowHeight;
            root.Add(new XElement(Svg + "line", new XAttribute("x1", N(x)), new XAttribute("y1", N(labelY + 2)), new XAttribute("x2", N(x)),
                new XAttribute("y2", N(lanesBottom)), new XAttribute("stroke", colour), new XAttribute("stroke-width", "1.5"),
                new XAttribute("stroke-dasharray", "5 3"),
                new XElement(Svg + "title", $"{S(mark.At)} s: {mark.Label}")));
            root.Add(Text(x + 2, labelY, $"{mark.Label} ({S(mark.At)} s)", fill: colour, weight: "bold"));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root;
    }

    /// <summary>A row for each mark's label so that no two labels overlap: the first row whose last label ends before it.</summary>
    private static List<int> MarkRows(IReadOnlyList<TimelineMark> marks, Func<TimeSpan, double> x)
    {
        var rowEnds = new List<double>();
        var rows = new List<int>();
        foreach (var mark in marks)
        {
            var start = x(mark.At);
            var end = start + ($"{mark.Label} ({S(mark.At)} s)".Length * LabelCharWidth) + 8;
            var row = rowEnds.FindIndex(e => e <= start);
            if (row < 0)
            {
                rowEnds.Add(end);
                row = rowEnds.Count - 1;
            }
            else
            {
                rowEnds[row] = end;
            }

            rows.Add(row);
        }

        return rows;
    }

    private static IEnumerable<XElement> StackedPanel(string title, IReadOnlyList<TimelineSeries> series, double top, double height, int seconds,
        double plotWidth)
    {
        var totals = Enumerable.Range(0, seconds).Select(s => series.Sum(x => s < x.PerSecond.Count ? x.PerSecond[s] : 0)).ToList();
        var max = NiceCeiling(totals.Count == 0 ? 0 : totals.Max());
        var barWidth = plotWidth / seconds;
        yield return Text(Left, top - 6, title, weight: "bold");
        yield return Rect(Left, top, plotWidth, height, "#f7fafc");
        foreach (var fraction in new[] { 0.0, 0.5, 1.0 })
        {
            var y = top + height - fraction * height;
            yield return Line(Left, y, Left + plotWidth, y, "#e2e8f0");
            yield return Text(Left - 6, y + 4, N(max * fraction), anchor: "end");
        }

        for (var s = 0; s < seconds; s++)
        {
            var below = 0.0;
            foreach (var one in series)
            {
                var count = s < one.PerSecond.Count ? one.PerSecond[s] : 0;
                if (count == 0)
                {
                    continue;
                }

                var h = height * count / max;
                yield return new XElement(Svg + "rect", Attributes(Left + s * barWidth, top + height - below - h, Math.Max(0.5, barWidth - 1), h, one.Colour),
                    new XElement(Svg + "title", $"{s}-{s + 1} s: {count} {one.Name}"));
                below += h;
            }
        }

        for (var i = 0; i < series.Count; i++)
        {
            var y = top + 10 + i * 15;
            yield return Rect(Left + plotWidth + 10, y - 9, 10, 10, series[i].Colour);
            yield return Text(Left + plotWidth + 24, y, $"{series[i].Name} ({series[i].Total})");
        }
    }

    /// <summary>The axis maximum: 1, 2 or 5 times a power of ten, at least the largest value (and at least 1).</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 1)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return NiceSteps.Select(f => f * power).First(v => v >= value);
    }

    private static string Colour(TimelineMarkKind kind) => kind switch
    {
        TimelineMarkKind.Fault => "#c53030",
        TimelineMarkKind.Promotion => "#2b6cb0",
        TimelineMarkKind.Heal => "#2f855a",
        _ => "#6b46c1",
    };

    private static XElement Rect(double x, double y, double w, double h, string fill) => new(Svg + "rect", Attributes(x, y, w, h, fill));

    private static object[] Attributes(double x, double y, double w, double h, string fill) =>
    [
        new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("width", N(w)), new XAttribute("height", N(h)),
        new XAttribute("fill", fill),
    ];

    private static XElement Line(double x1, double y1, double x2, double y2, string stroke) => new(Svg + "line",
        new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)), new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)),
        new XAttribute("stroke", stroke));

    private static XElement Text(double x, double y, string text, string anchor = "start", string fill = "#1a202c", int size = 11,
        string weight = "normal") => new(Svg + "text",
        new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("text-anchor", anchor), new XAttribute("fill", fill),
        new XAttribute("font-size", size), new XAttribute("font-weight", weight), text);

    private static string N(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);

    private static string S(TimeSpan at) => at.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
