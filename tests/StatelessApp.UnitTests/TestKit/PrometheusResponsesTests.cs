using System.Text.Json;
using StatelessApp.TestKit.Prometheus;

namespace StatelessApp.UnitTests.TestKit;

/// <summary>Prometheus's API answers (as documented, made up here) turned into firing spans and checked against expectations.</summary>
public class PrometheusResponsesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_765_000_000);

    [Fact]
    public void A_series_with_a_gap_is_two_spans_and_spans_are_in_time_order()
    {
        var answer = Matrix(
            ("""{"alertname":"TargetDown","alertstate":"firing","job":"redis","severity":"page"}""", [0, 1, 2, 5, 6]),
            ("""{"alertname":"RedisReplicaLinkDown","alertstate":"firing","region":"b"}""", [1.5]));

        var spans = PrometheusResponses.FiringSpans(answer, TimeSpan.FromSeconds(1));

        Assert.Equal(["TargetDown 0-2", "RedisReplicaLinkDown 1.5-1.5", "TargetDown 5-6"],
            spans.Select(s => $"{s.Name} {(s.From - T0).TotalSeconds}-{(s.To - T0).TotalSeconds}"));
        Assert.Equal("TargetDown{job=\"redis\"}", spans[0].Describe());
        Assert.Equal("page", spans[0].Label("severity"));
    }

    [Fact]
    public void An_error_answer_is_an_error_with_its_text()
    {
        var answer = JsonDocument.Parse("""{"status":"error","errorType":"bad_data","error":"parse error"}""").RootElement;

        var error = Assert.Throws<InvalidOperationException>(() => PrometheusResponses.FiringSpans(answer, TimeSpan.FromSeconds(1)));

        Assert.Contains("parse error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_of_one_state_and_the_oldest_rule_evaluation()
    {
        var alerts = JsonDocument.Parse("""
            {"status":"success","data":{"alerts":[
              {"labels":{"alertname":"A"},"state":"firing"},{"labels":{"alertname":"B"},"state":"pending"}]}}
            """).RootElement;
        var rules = JsonDocument.Parse("""
            {"status":"success","data":{"groups":[
              {"name":"x","lastEvaluation":"2026-12-05T15:00:02.5Z"},{"name":"y","lastEvaluation":"2026-12-05T15:00:01Z"}]}}
            """).RootElement;
        var never = JsonDocument.Parse("""
            {"status":"success","data":{"groups":[{"name":"x","lastEvaluation":"0001-01-01T00:00:00Z"}]}}
            """).RootElement;

        Assert.Equal(["A"], PrometheusResponses.Alerts(alerts, "firing").Select(a => a["alertname"]));
        Assert.Equal(DateTimeOffset.Parse("2026-12-05T15:00:01Z", System.Globalization.CultureInfo.InvariantCulture), PrometheusResponses.OldestRuleEvaluation(rules));
        Assert.Null(PrometheusResponses.OldestRuleEvaluation(never));
    }

    [Fact]
    public void Expected_alerts_must_fire_others_may_and_the_rest_must_not()
    {
        var spans = PrometheusResponses.FiringSpans(Matrix(
            ("""{"alertname":"TargetDown","job":"redis"}""", [0]),
            ("""{"alertname":"TargetDown","job":"sentinel"}""", [0]),
            ("""{"alertname":"RedisReplicaLinkDown"}""", [0])), TimeSpan.FromSeconds(1));

        Assert.Empty(AlertExpectation.Check(spans,
            [new("TargetDown", "job", "redis"), new("TargetDown", "job", "sentinel")], [new("RedisReplicaLinkDown"), new("RedisPrimaryMissing")]));
        Assert.Equal(["RedisPrimaryMissing did not fire", "RedisReplicaLinkDown fired unexpectedly", "TargetDown{job=\"sentinel\"} fired unexpectedly"],
            AlertExpectation.Check(spans, [new("TargetDown", "job", "redis"), new("RedisPrimaryMissing")]));
    }

    private static JsonElement Matrix(params (string Metric, double[] Seconds)[] series)
    {
        var result = series.Select(s =>
        {
            var values = s.Seconds.Select(x => $"[{(T0.ToUnixTimeSeconds() + x).ToString(System.Globalization.CultureInfo.InvariantCulture)},\"1\"]");
            return "{\"metric\":" + s.Metric + ",\"values\":[" + string.Join(",", values) + "]}";
        });
        return JsonDocument.Parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + string.Join(",", result) + "]}}").RootElement;
    }
}
