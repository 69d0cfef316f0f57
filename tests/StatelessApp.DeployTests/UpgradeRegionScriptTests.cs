using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/upgrade-region.sh (the compose equivalent of `./stack upgrade` and `rollback`; no container runs in these
/// tests): its dry run prints the roll, one app container at a time, migrate before any of them and none on rollback;
/// the tags it keeps drive the rollback; bad arguments are refused.
/// </summary>
public sealed class UpgradeRegionScriptTests : IDisposable
{
    private const string Script = "deploy/upgrade-region.sh";
    private const string Compose = "docker compose -p stateless-b --env-file .env -f deploy/compose/region-b.yml";
    private readonly string _dir = Directory.CreateTempSubdirectory("upgrade-region-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<CommandResult> RunAsync(params string[] arguments) =>
        CommandLine.BashAsync(Script, [.. arguments, "--dir", _dir], timeout: TimeSpan.FromSeconds(30));

    private static List<string> Commands(CommandResult result) =>
        [.. result.StandardOutput.Split('\n').Where(l => l.StartsWith("+ ", StringComparison.Ordinal)).Select(l => l[2..])];

    private static IEnumerable<string> Roll(string app) =>
    [
        $"{Compose} stop --timeout 15 {app}",
        $"{Compose} up -d --no-deps --no-build {app}",
        $"bash -c 'for _ in $(seq 120); do [ \"$(docker inspect --format '\\''{{{{.State.Health.Status}}}}'\\'' $({Compose} ps -q {app}))\" = healthy ] && exit 0; sleep 1; done; exit 1'",
        "sleep 2",
    ];

    [Fact]
    public async Task An_upgrade_migrates_with_the_new_image_first_then_rolls_the_regions_apps_one_at_a_time()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, ".app-release"), "CURRENT=1.0.0\nPREVIOUS=\n");

        var result = await RunAsync("--region", "b", "--tag", "1.1.0", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "docker image inspect --format '{{.Id}}' statelessapp-web:1.1.0",
                "docker tag statelessapp-web:1.1.0 statelessapp-web:local",
                $"{Compose} run --rm --no-deps migrate",
                .. Roll("app-b1"),
                .. Roll("app-b2"),
            ],
            Commands(result));
    }

    [Fact]
    public async Task A_first_upgrade_keeps_the_running_image_under_a_tag_of_its_own_to_roll_back_to()
    {
        var result = await RunAsync("--region", "b", "--tag", "1.1.0", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("docker tag statelessapp-web:local statelessapp-web:before-1.1.0", Commands(result)[1]);
        Assert.Contains("PREVIOUS=before-1.1.0", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_rolls_to_the_previous_tag_without_migrating()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, ".app-release"), "CURRENT=1.1.0\nPREVIOUS=1.0.0\n");

        var result = await RunAsync("--region", "b", "--rollback", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["docker tag statelessapp-web:1.0.0 statelessapp-web:local", .. Roll("app-b1"), .. Roll("app-b2")], Commands(result));
        Assert.Contains("no migration down", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--region is required (a or b)", "--tag", "1.1.0")]
    [InlineData("--region must be a or b, not 'w'", "--region", "w", "--tag", "1.1.0")]
    [InlineData("--tag TAG or --rollback is required", "--region", "a")]
    [InlineData("give --tag or --rollback, not both", "--region", "a", "--tag", "1.1.0", "--rollback")]
    [InlineData("--tag local is the tag this script moves: give the release's own tag", "--region", "a", "--tag", "local")]
    [InlineData("--tag must be a Docker tag (letters, digits, _ . -), not '1.1 0'", "--region", "a", "--tag", "1.1 0")]
    public async Task Bad_arguments_are_refused(string message, params string[] arguments)
    {
        var result = await RunAsync([.. arguments, "--dry-run"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"upgrade-region.sh: {message}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_with_no_previous_tag_fails_and_says_so()
    {
        var result = await RunAsync("--region", "a", "--rollback", "--dry-run");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no previous tag", result.StandardError, StringComparison.Ordinal);
    }
}
