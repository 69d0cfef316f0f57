using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Hosting.Health;

namespace StatelessApp.DeployTests;

/// <summary>
/// The app's Dockerfile: its build stage is replayed here without Docker (the same COPY lines into an empty folder,
/// the same RUN lines), so the publish the image runs is the publish these tests run; and the image's health check,
/// the app's own `healthcheck` verb, is run against a live and a dead listener.
/// </summary>
public sealed class DockerfileTests(DockerfileTests.PublishedImage image) : IClassFixture<DockerfileTests.PublishedImage>
{
    private static readonly Dockerfile App = Dockerfile.Load("Dockerfile");

    [Fact]
    public void The_build_stage_publishes_the_app_from_only_what_it_copies()
    {
        Assert.True(image.Build.Succeeded, image.Build.ToString());
        Assert.DoesNotContain("warning", image.Build.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(image.Output, "StatelessApp.Web.dll")), "the publish output has no StatelessApp.Web.dll");
        Assert.True(Directory.Exists(Path.Combine(image.Output, "wwwroot")), "the publish output has no wwwroot (static files)");
        Assert.Equal(["dotnet", "StatelessApp.Web.dll"], JsonSerializer.Deserialize<string[]>(App.Only("ENTRYPOINT")) ?? []);
    }

    [Fact]
    public void The_publish_is_the_one_the_local_stack_runs()
    {
        var publish = App.Stage("build").Single(i => i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)).Arguments;

        // ./stack up runs: dotnet publish src/StatelessApp.Web -c Release -o .stack/releases/.publish (AppReleases.PublishAsync).
        Assert.Equal("dotnet publish src/StatelessApp.Web -c Release -o /app -nologo", publish);
        Assert.Contains(App.Stage("runtime"), i => i.Instruction == "COPY" && i.Arguments == "--from=build /app ./");
    }

    [Fact]
    public void The_images_match_global_json_and_the_target_framework()
    {
        using var globalJson = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("global.json")));
        var sdk = Version.Parse(globalJson.RootElement.GetProperty("sdk").GetProperty("version").GetString()!);
        var sdkTag = Version.Parse(App.BaseImageOf("build").Split(':')[1]);
        var runtimeTag = Version.Parse(App.BaseImageOf("runtime").Split(':')[1].Split('-')[0]);

        // rollForward latestPatch: same major.minor and feature band (the hundreds of the patch number), patch >= the pin.
        Assert.Equal((sdk.Major, sdk.Minor, sdk.Build / 100), (sdkTag.Major, sdkTag.Minor, sdkTag.Build / 100));
        Assert.True(sdkTag.Build >= sdk.Build, $"the SDK image {sdkTag} is older than global.json's {sdk}");
        Assert.Equal((Environment.Version.Major, Environment.Version.Minor), (runtimeTag.Major, runtimeTag.Minor));
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", App.BaseImageOf("build"), StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", App.BaseImageOf("runtime"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_and_checks_its_health_with_the_apps_own_verb()
    {
        var runtime = App.Stage("runtime");

        Assert.Contains(runtime, i => i.Instruction == "USER" && i.Arguments == "$APP_UID");
        var check = runtime.Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.EndsWith($"CMD [\"dotnet\", \"StatelessApp.Web.dll\", \"{LivenessProbe.Verb}\"]", check, StringComparison.Ordinal);
    }

    [Fact]
    public void The_probe_asks_the_listen_address_with_wildcards_turned_into_loopback()
    {
        Assert.Equal(new Uri("http://10.201.0.11:5080/health/live"), LivenessProbe.LiveUri("http://10.201.0.11:5080"));
        Assert.Equal(new Uri("http://127.0.0.1:8080/health/live"), LivenessProbe.LiveUri("http://+:8080;http://+:9090"));
        Assert.Equal(new Uri("http://127.0.0.1:8080/health/live"), LivenessProbe.LiveUri("http://0.0.0.0:8080/"));
        Assert.Equal(new Uri("http://127.0.0.1:8080/health/live"), LivenessProbe.LiveUri("http://[::]:8080"));
        Assert.Equal(new Uri("http://localhost:5000/health/live"), LivenessProbe.LiveUri(null));
    }

    [Fact]
    public async Task The_health_check_verb_exits_0_when_the_instance_answers_and_1_when_it_does_not()
    {
        var port = LoopbackPorts.FreeTcp();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var requested = new List<string>();
        var serving = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            requested.Add(context.Request.Url!.AbsolutePath);
            context.Response.StatusCode = 200;
            context.Response.Close();
        });

        var healthy = await RunProbeAsync($"http://+:{port}");
        await serving;
        listener.Stop();
        var dead = await RunProbeAsync($"http://127.0.0.1:{port}");

        Assert.Equal(0, healthy.ExitCode);
        Assert.Equal(["/health/live"], requested);
        Assert.Equal(1, dead.ExitCode);
        Assert.Contains($"http://127.0.0.1:{port}/health/live", dead.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs the health check as the container does: `dotnet StatelessApp.Web.dll healthcheck` from the app's output,
    /// with no configuration at all (the verb must not build the host, validate options or open connections).
    /// </summary>
    private Task<CommandResult> RunProbeAsync(string urls)
    {
        var appDll = Path.Combine(image.Output, "StatelessApp.Web.dll");
        Assert.True(File.Exists(appDll), image.Build.ToString());
        return CommandLine.RunAsync("dotnet", [appDll, LivenessProbe.Verb], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = urls,
            ["ConnectionStrings__Redis"] = null,
            ["ConnectionStrings__Shop"] = null,
        }, timeout: TimeSpan.FromSeconds(30));
    }

    /// <summary>The build stage replayed once for the class: <see cref="Output"/> is what the image's /app would hold.</summary>
    public sealed class PublishedImage : IAsyncLifetime
    {
        private readonly string _context = Directory.CreateTempSubdirectory("dockerfile-build-").FullName;

        public string Output => Path.Combine(_context, "_app");

        public CommandResult Build { get; private set; } = new("", -1, "", "not run");

        public async Task InitializeAsync() => Build = await ReplayBuildStageAsync(_context, Output);

        public Task DisposeAsync()
        {
            Directory.Delete(_context, recursive: true);
            return Task.CompletedTask;
        }
    }

    /// <summary>Replays the build stage in <paramref name="context"/>: COPY from the repository (minus .dockerignore'd build output), RUN with bash.</summary>
    private static async Task<CommandResult> ReplayBuildStageAsync(string context, string output)
    {
        var work = context;
        var last = new CommandResult("", -1, "", "the build stage has no RUN");
        foreach (var (instruction, arguments) in App.Stage("build"))
        {
            switch (instruction)
            {
                case "WORKDIR":
                    work = Path.Combine(context, arguments.TrimStart('/'));
                    Directory.CreateDirectory(work);
                    break;
                case "COPY":
                    // Docker's rules: a folder's contents go into the destination; a file goes into it when it ends
                    // with '/' (or there are several sources), else becomes it.
                    var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var destination = Path.Combine(work, parts[^1]);
                    var intoFolder = parts[^1].EndsWith('/') || parts.Length > 2;
                    foreach (var source in parts[..^1].Select(p => Repository.PathOf(p.TrimEnd('/'))))
                    {
                        Copy(source, File.Exists(source) && intoFolder ? Path.Combine(destination, Path.GetFileName(source)) : destination);
                    }

                    break;
                case "RUN":
                    var command = arguments.Replace("-o /app", $"-o {output}", StringComparison.Ordinal);
                    last = await CommandLine.RunAsync("bash", ["-c", command], workingDirectory: work, timeout: TimeSpan.FromMinutes(5));
                    if (!last.Succeeded)
                    {
                        return last;
                    }

                    break;
                default:
                    throw new InvalidOperationException($"the build stage has a {instruction} this replay does not know: teach it, or the test no longer mirrors the image");
            }
        }

        return last;
    }

    private static void Copy(string source, string target)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var segments = relative.Split(Path.DirectorySeparatorChar);
            if (segments.Contains("bin") || segments.Contains("obj"))
            {
                continue; // .dockerignore: **/bin/, **/obj/
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative), overwrite: true);
        }
    }
}
