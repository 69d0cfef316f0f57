using System.Globalization;
using System.Text.RegularExpressions;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// deploy/prometheus/alerts.yml is written for a 1 s evaluation interval; this scales its `for:` durations and range
/// windows (`[10s]`) to the topology's interval, so every alert waits the same number of evaluations at any interval.
/// (deploy/prometheus/scale-durations.sh does the same for the compose stack.)
/// </summary>
public static partial class AlertRules
{
    [GeneratedRegex(@"(?<head>\bfor:\s*|\[)(?<seconds>[0-9]+)s(?<tail>\]?)")]
    private static partial Regex Duration();

    public static string Scale(string rules, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var factor = (int)interval.TotalSeconds;
        if (factor < 1 || interval != TimeSpan.FromSeconds(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "the metrics interval must be a whole number of seconds, at least 1");
        }

        return Duration().Replace(rules, m =>
            m.Groups["head"].Value
            + (int.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture) * factor).ToString(CultureInfo.InvariantCulture) + "s"
            + m.Groups["tail"].Value);
    }
}
