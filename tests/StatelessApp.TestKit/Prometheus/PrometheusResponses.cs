using System.Text.Json;

namespace StatelessApp.TestKit.Prometheus;

/// <summary>Reads the answers of Prometheus's HTTP API (<c>{"status":"success","data":…}</c>) into what the tests compare.</summary>
public static class PrometheusResponses
{
    /// <summary>
    /// The firing spans of a <c>query_range</c> answer for <c>ALERTS{alertstate="firing"}</c> (a matrix): one span per run of
    /// samples of one series no further apart than 1.5 steps; a longer gap means the alert stopped and fired again.
    /// </summary>
    public static IReadOnlyList<AlertSpan> FiringSpans(JsonElement answer, TimeSpan step)
    {
        var data = Data(answer);
        if (data.GetProperty("resultType").GetString() != "matrix")
        {
            throw new InvalidOperationException($"expected a matrix, got {data.GetProperty("resultType").GetString()}");
        }

        var spans = new List<AlertSpan>();
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().Where(p => p.Name != "__name__").ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var name = labels.TryGetValue("alertname", out var alertname) ? alertname : "(unnamed)";
            DateTimeOffset? from = null, last = null;
            foreach (var sample in series.GetProperty("values").EnumerateArray())
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(sample[0].GetDouble() * 1000));
                if (last is { } previous && at - previous > step * 1.5)
                {
                    spans.Add(new AlertSpan(name, labels, from!.Value, previous));
                    from = null;
                }

                from ??= at;
                last = at;
            }

            if (from is { } start && last is { } end)
            {
                spans.Add(new AlertSpan(name, labels, start, end));
            }
        }

        return [.. spans.OrderBy(s => s.From).ThenBy(s => s.Describe(), StringComparer.Ordinal)];
    }

    /// <summary>The labels of every alert of an <c>/api/v1/alerts</c> answer in the given state ("firing", "pending").</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Alerts(JsonElement answer, string state) =>
    [
        .. Data(answer).GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("state").GetString() == state)
            .Select(a => (IReadOnlyDictionary<string, string>)a.GetProperty("labels").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)),
    ];

    /// <summary>When the rule group evaluated least recently did so (<c>/api/v1/rules</c>); null when there is no group or none has run.</summary>
    public static DateTimeOffset? OldestRuleEvaluation(JsonElement answer)
    {
        var times = Data(answer).GetProperty("groups").EnumerateArray()
            .Select(g => g.TryGetProperty("lastEvaluation", out var at) ? at.GetDateTimeOffset() : DateTimeOffset.MinValue)
            .ToList();
        return times.Count == 0 || times.Min() <= DateTimeOffset.UnixEpoch ? null : times.Min();
    }

    private static JsonElement Data(JsonElement answer)
    {
        var status = answer.GetProperty("status").GetString();
        if (status != "success")
        {
            var error = answer.TryGetProperty("error", out var e) ? e.GetString() : "(no error text)";
            throw new InvalidOperationException($"Prometheus answered {status}: {error}");
        }

        return answer.GetProperty("data");
    }
}
