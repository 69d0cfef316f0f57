using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/dns-records.sh: the zone-file snippet for any provider; for DigitalOcean, the API calls (dry run: printed,
/// nothing sent; real run against a stand-in curl: the token only on stdin, existing records left alone).
/// </summary>
public sealed class DnsRecordsScriptTests : IDisposable
{
    private const string Script = "deploy/dns-records.sh";
    private const string Token = "dop_v1_0123456789abcdef-test-token";
    private const string Api = "https://api.digitalocean.com/v2/domains/example.com/records";

    private readonly FakeTools _tools = new();

    public void Dispose() => _tools.Dispose();

    private static readonly string[] Records = ["--domain", "shop.example.com", "--a", "203.0.113.10", "--b", "198.51.100.20"];

    private Task<CommandResult> RunAsync(string[] arguments, string? token = Token, string? curlBody = null) =>
        CommandLine.BashAsync(Script, arguments, _tools.Environment(new Dictionary<string, string?>
        {
            ["DIGITALOCEAN_TOKEN"] = token,
            ["FAKE_CURL_BODY"] = curlBody,
        }));

    [Fact]
    public async Task For_any_other_provider_it_prints_the_two_A_records_as_zone_file_lines()
    {
        var result = await RunAsync([.. Records, "--provider", "zonefile", "--ttl", "120"], token: null);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(
            ["shop.example.com.\t120\tIN\tA\t203.0.113.10", "shop.example.com.\t120\tIN\tA\t198.51.100.20"],
            result.StandardOutput.Split('\n').Where(l => l.StartsWith("shop.", StringComparison.Ordinal)));
        Assert.Empty(_tools.Calls);
    }

    [Fact]
    public async Task The_DigitalOcean_dry_run_prints_the_API_calls_sends_nothing_and_never_the_token()
    {
        var result = await RunAsync([.. Records, "--dry-run"]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(
        [
            $"curl -fsS --max-time 20 -H @- '{Api}?type=A&name=shop.example.com&per_page=200' < (Authorization: Bearer $DIGITALOCEAN_TOKEN, not shown)",
            $"curl -fsS --max-time 20 -H @- -X POST -H 'Content-Type: application/json' -d '{{\"type\":\"A\",\"name\":\"shop\",\"data\":\"203.0.113.10\",\"ttl\":60}}' {Api} < (Authorization: Bearer $DIGITALOCEAN_TOKEN, not shown)",
            $"curl -fsS --max-time 20 -H @- -X POST -H 'Content-Type: application/json' -d '{{\"type\":\"A\",\"name\":\"shop\",\"data\":\"198.51.100.20\",\"ttl\":60}}' {Api} < (Authorization: Bearer $DIGITALOCEAN_TOKEN, not shown)",
        ],
            result.StandardOutput.Split('\n').Where(l => l.StartsWith("+ ", StringComparison.Ordinal)).Select(l => l[2..]));
        Assert.Empty(_tools.Calls);
        Assert.DoesNotContain(Token, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_a_stand_in_API_the_token_goes_only_on_stdin_and_an_existing_record_is_left_alone()
    {
        // The zone already has region A's record (and a stale one): only region B's is created.
        var existing = """{"domain_records":[{"id":1,"type":"A","name":"shop","data":"203.0.113.10","ttl":60},{"id":2,"type":"A","name":"shop","data":"192.0.2.99","ttl":60}]}""";

        var result = await RunAsync(Records, curlBody: existing);

        Assert.True(result.Succeeded, result.ToString());
        var calls = _tools.Calls;
        Assert.Equal(2, calls.Count);
        Assert.Contains("\"data\":\"198.51.100.20\"", calls[1], StringComparison.Ordinal);
        Assert.Equal($"Authorization: Bearer {Token}\n", _tools.StandardInputOf(1));
        Assert.Equal($"Authorization: Bearer {Token}\n", _tools.StandardInputOf(2));
        Assert.DoesNotContain(Token, string.Join('\n', calls), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Output, StringComparison.Ordinal);
        Assert.Contains("203.0.113.10: exists", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("198.51.100.20: created", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("also has A record(s) for: 192.0.2.99", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_API_call_stops_with_a_clear_message()
    {
        var result = await CommandLine.BashAsync(Script, Records, _tools.Environment(new Dictionary<string, string?>
        {
            ["DIGITALOCEAN_TOKEN"] = Token,
            ["FAKE_FAIL_MATCH"] = "records?type=A",
        }));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("DigitalOcean API: listing the A records of shop.example.com failed", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> RefusedArguments => new()
    {
        { ["--a", "203.0.113.10", "--b", "198.51.100.20"], "--domain is required" },
        { ["--domain", "localhost", "--a", "203.0.113.10", "--b", "198.51.100.20"], "--domain 'localhost' is not a DNS name with at least two labels" },
        { ["--domain", "shop.example.com", "--b", "198.51.100.20"], "--a is required" },
        { ["--domain", "shop.example.com", "--a", "203.0.113.10"], "--b is required" },
        { ["--domain", "shop.example.com", "--a", "203.0.113", "--b", "198.51.100.20"], "--a '203.0.113' is not an IPv4 address" },
        { ["--domain", "shop.example.com", "--a", "203.0.113.10", "--b", "203.0.113.10"], "--a and --b are the same address" },
        { ["--domain", "shop.example.com", "--a", "203.0.113.10", "--b", "198.51.100.20", "--provider", "route53"], "--provider must be digitalocean or zonefile, not 'route53'" },
        { ["--domain", "shop.example.com", "--a", "203.0.113.10", "--b", "198.51.100.20", "--zone", "example.org"], "--domain shop.example.com is not inside --zone example.org" },
        { ["--domain", "shop.example.com", "--a", "203.0.113.10", "--b", "198.51.100.20", "--ttl", "5"], "--ttl '5' must be a number of seconds, at least 30" },
        { ["--domain"], "--domain needs a value" },
        { ["--domian", "x"], "unknown argument '--domian'" },
    };

    [Theory]
    [MemberData(nameof(RefusedArguments))]
    public async Task Missing_or_malformed_arguments_are_refused_with_a_clear_message(string[] arguments, string message)
    {
        var result = await RunAsync([.. arguments, "--dry-run"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("dns-records.sh: " + message, result.StandardError, StringComparison.Ordinal);
        Assert.Empty(_tools.Calls);
    }

    [Fact]
    public async Task Without_a_token_the_DigitalOcean_provider_is_refused()
    {
        var result = await RunAsync([.. Records, "--dry-run"], token: null);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DIGITALOCEAN_TOKEN is not set", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_every_option()
    {
        var result = await RunAsync(["-h"], token: null);

        Assert.True(result.Succeeded, result.ToString());
        foreach (var option in new[] { "--domain", "--a", "--b", "--provider", "--zone", "--ttl", "--dry-run", "DIGITALOCEAN_TOKEN" })
        {
            Assert.Contains(option, result.StandardOutput, StringComparison.Ordinal);
        }
    }
}
