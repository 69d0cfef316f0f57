using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Servers;
using YamlDotNet.Serialization;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/prometheus/alerts.yml against the real promtool: valid, exactly the alert names the drills assert, and each
/// alert tested on its own (deploy/prometheus/alerts.test.yml) to fire on its failure and stay quiet on healthy series.
/// </summary>
public sealed class AlertRulesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alert-rules-").FullName;

    /// <summary>The contract between the helpers of issue 18: the drills assert these names.</summary>
    public static readonly IReadOnlyList<string> ContractAlerts =
    [
        "RedisPrimaryMissing", "PostgresPrimaryMissing", "PostgresReplicationLagHigh", "RedisReplicaLinkDown",
        "SentinelMemberMissing", "EtcdMemberMissing", "AppErrorRateHigh", "RedisMemoryNearLimit", "TargetDown",
    ];

    public static TheoryData<string> Alerts => new(ContractAlerts);

    private static readonly string RulesFile = Repository.PathOf("deploy", "prometheus", "alerts.yml");
    private static readonly string TestsFile = Repository.PathOf("deploy", "prometheus", "alerts.test.yml");

    [Fact]
    public void The_rules_are_exactly_the_contracts_alerts_each_with_a_severity_a_summary_and_a_description()
    {
        var rules = Rules();

        Assert.Equal(ContractAlerts.Order(StringComparer.Ordinal), rules.Select(r => (string)r["alert"]).Order(StringComparer.Ordinal));
        Assert.All(rules, rule =>
        {
            var labels = (Dictionary<object, object>)rule["labels"];
            Assert.Contains((string)labels["severity"], (string[])["page", "ticket"]);
            var annotations = (Dictionary<object, object>)rule["annotations"];
            Assert.False(string.IsNullOrWhiteSpace((string)annotations["summary"]), $"{rule["alert"]}: summary");
            Assert.False(string.IsNullOrWhiteSpace((string)annotations["description"]), $"{rule["alert"]}: description");
            Assert.EndsWith("s", (string)rule["for"], StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Promtool_accepts_the_rules_as_written_and_as_scaled_to_a_15_s_interval()
    {
        var written = await CommandLine.RunAsync("promtool", ["check", "rules", RulesFile]);
        Assert.True(written.Succeeded, written.ToString());

        var scaled = Path.Combine(_folder, "alerts.yml");
        await File.WriteAllTextAsync(scaled, AlertRules.Scale(await File.ReadAllTextAsync(RulesFile), TimeSpan.FromSeconds(15)));
        var check = await CommandLine.RunAsync("promtool", ["check", "rules", scaled]);
        Assert.True(check.Succeeded, check.ToString());
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public async Task The_alert_fires_on_its_failure_and_stays_quiet_on_healthy_series(string alert)
    {
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(await File.ReadAllTextAsync(TestsFile));
        var groups = ((List<object>)document["tests"]).Cast<Dictionary<object, object>>()
            .Where(g => ((List<object>)g["alert_rule_test"]).Cast<Dictionary<object, object>>().Any(t => (string)t["alertname"] == alert))
            .ToList();
        bool Fires(Dictionary<object, object> group) =>
            ((List<object>)group["alert_rule_test"]).Cast<Dictionary<object, object>>().Any(t => t.TryGetValue("exp_alerts", out var e) && e is List<object> { Count: > 0 });

        Assert.Contains(groups, Fires);
        Assert.Contains(groups, g => !Fires(g));
        Assert.All(groups, g => Assert.All(((List<object>)g["alert_rule_test"]).Cast<Dictionary<object, object>>(), t => Assert.Equal(alert, (string)t["alertname"])));

        // This alert's groups alone, against the rules file where it lies.
        document["tests"] = groups.Cast<object>().ToList();
        document["rule_files"] = new List<object> { RulesFile };
        var file = Path.Combine(_folder, $"{alert}.test.yml");
        await File.WriteAllTextAsync(file, new SerializerBuilder().Build().Serialize(document));
        var result = await CommandLine.RunAsync("promtool", ["test", "rules", file]);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    public async Task The_compose_stacks_scaling_script_writes_what_the_controller_writes(int seconds)
    {
        var script = Repository.PathOf("deploy", "prometheus", "scale-durations.sh");
        var result = await CommandLine.RunAsync("sh", ["-c", "sh \"$0\" \"$1\" < \"$2\"", script, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), RulesFile]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(AlertRules.Scale(await File.ReadAllTextAsync(RulesFile), TimeSpan.FromSeconds(seconds)), result.StandardOutput);
    }

    [Fact]
    public void Scaling_multiplies_every_for_and_every_range_window_and_nothing_else()
    {
        const string Rules = "expr: rate(x[10s]) > 5 and y{le=\"5s\"}\nfor: 5s\n";

        Assert.Equal("expr: rate(x[150s]) > 5 and y{le=\"5s\"}\nfor: 75s\n", AlertRules.Scale(Rules, TimeSpan.FromSeconds(15)));
        Assert.Equal(Rules, AlertRules.Scale(Rules, TimeSpan.FromSeconds(1)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static List<Dictionary<object, object>> Rules()
    {
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(RulesFile));
        return [.. ((List<object>)document["groups"]).Cast<Dictionary<object, object>>()
            .SelectMany(g => ((List<object>)g["rules"]).Cast<Dictionary<object, object>>())];
    }
}
