using System.Text.RegularExpressions;
using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// What the images are built from (deploy/images/): every image the compose files use is a row of images.txt, built
/// from a Dockerfile of the repository whose every FROM is a build argument defaulting to an official image pinned by
/// version (what users get), which build-images.sh --local-base points at a local Debian base instead; each image runs
/// as the user its compose services run as. Static checks: the builds themselves need an engine (docs/deploy.md,
/// "Building the images", has what they measured).
/// </summary>
public sealed partial class ImageBuildTests(ResolvedCompose compose) : IClassFixture<ResolvedCompose>
{
    public static TheoryData<string> Dockerfiles => new(Dockerfile.AllPaths);

    [Fact]
    public void Every_Dockerfile_of_the_images_table_is_found_and_every_found_one_is_in_it()
    {
        var tabled = ImagesTable.Load().SelectMany(r => new[] { r.Dockerfile, r.LocalDockerfile }).OfType<string>().ToHashSet(StringComparer.Ordinal);

        Assert.Equal(tabled.Order(StringComparer.Ordinal), Dockerfile.AllPaths.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_FROM_is_a_base_image_argument_whose_default_is_an_official_image_pinned_by_version(string path)
    {
        var file = Dockerfile.Load(path);

        Assert.NotEmpty(file.Froms);
        foreach (var (written, _, image) in file.Froms)
        {
            // build-images.sh --local-base sets every *_IMAGE argument declared before the first FROM to the local base.
            Assert.Matches(BaseImageArgument(), written);
            Assert.Matches(PinnedImage(), image);
        }
    }

    /// <summary>With a syntax directive BuildKit pulls its Dockerfile frontend from a registry; the built-in one reads these files.</summary>
    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void No_Dockerfile_needs_a_frontend_image(string path) => Assert.Empty(Dockerfile.Load(path).Directives);

    [Fact]
    public void The_images_table_is_every_image_the_compose_files_use_with_its_build_context()
    {
        var used = Repository.ComposeUses.SelectMany(use => compose[use].Services.Values)
            .Select(s => $"{s.Image} {s.BuildContext}")
            .Distinct()
            .Order(StringComparer.Ordinal);
        var tabled = ImagesTable.Load().Select(r => $"{r.Image} {Path.GetFullPath(Repository.PathOf(r.Context)).TrimEnd('/')}").Order(StringComparer.Ordinal);

        Assert.Equal(tabled, used);
        Assert.All(ImagesTable.Load(), r => Assert.Equal(Path.Combine(r.Context, "Dockerfile").Replace("./", "", StringComparison.Ordinal), r.Dockerfile));
    }

    /// <summary>`docker compose build` builds what a user expects: the Dockerfiles' defaults, the official images.</summary>
    [Fact]
    public void The_compose_files_build_on_the_Dockerfiles_default_bases()
    {
        foreach (var service in Repository.ComposeUses.SelectMany(use => compose[use].Services.Values))
        {
            Assert.Empty(service.BuildArgs);
        }
    }

    public static TheoryData<string> Images => new(ImagesTable.Load().Select(r => r.Image));

    [Theory]
    [MemberData(nameof(Images))]
    public void The_image_runs_as_the_user_its_services_run_as_on_either_base(string image)
    {
        var row = ImagesTable.Load().Single(r => r.Image == image);
        var users = Repository.ComposeUses.SelectMany(use => compose[use].Services.Values).Where(s => s.Image == image).Select(s => s.Limits.User).Distinct().ToList();

        var user = Assert.Single(users);
        foreach (var path in new[] { row.Dockerfile, row.LocalDockerfile }.OfType<string>())
        {
            // $APP_UID is the .NET images' "app" user (1654); the self-contained Dockerfile names it outright.
            var imageUser = Dockerfile.Load(path).FinalUser?.Replace("$APP_UID", "1654", StringComparison.Ordinal);
            Assert.NotNull(imageUser);
            Assert.True(imageUser == user || (!imageUser.Contains(':', StringComparison.Ordinal) && user!.StartsWith(imageUser + ":", StringComparison.Ordinal)),
                $"{path} runs as {imageUser}, its services as {user}");
        }
    }

    /// <summary>The app without a .NET image is the same app: the Dockerfile's publish, self-contained, and the same contract.</summary>
    [Fact]
    public void The_app_on_the_local_base_is_the_Dockerfiles_publish_self_contained_with_the_same_health_check()
    {
        var app = Dockerfile.Load("Dockerfile");
        var row = ImagesTable.Load().Single(r => r.Dockerfile == "Dockerfile");
        var selfContained = Dockerfile.Load(row.LocalDockerfile!);
        var publish = app.Stage("build").Single(i => i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal)).Arguments;
        var script = File.ReadAllText(Repository.PathOf("deploy", "images", "build-images.sh"));

        Assert.Contains(publish.Replace(" -o /app", " -r \"$rid\" --self-contained -o \"$1\"", StringComparison.Ordinal), script, StringComparison.Ordinal);
        Assert.Equal(["BASE_IMAGE"], selfContained.GlobalArgs.Keys.ToArray());
        Assert.Equal("/app", selfContained.Only("WORKDIR"));
        Assert.Equal("[\"/app/StatelessApp.Web\"]", selfContained.Only("ENTRYPOINT"));
        var check = app.Stage("runtime").Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.Equal(check.Replace("\"dotnet\", \"StatelessApp.Web.dll\"", "\"/app/StatelessApp.Web\"", StringComparison.Ordinal), selfContained.Only("HEALTHCHECK"));
    }

    /// <summary>
    /// Redis's Lua scripting is remotely exploitable before these releases (CVE-2025-49844 and its siblings); the 7.0
    /// line never got the fix upstream (Debian's 7.0.15, the local base's, carries Debian's backport). Each line's first
    /// fixed release.
    /// </summary>
    private static readonly Dictionary<string, int> RedisFixedPatch = new(StringComparer.Ordinal) { ["7.2"] = 11, ["7.4"] = 6, ["8.0"] = 4, ["8.2"] = 2 };

    [Fact]
    public void The_Redis_image_defaults_to_a_release_with_the_Lua_fixes()
    {
        var redisImage = Assert.Single(Repository.ComposeUses.SelectMany(use => compose[use].Services.Values).Where(s => s.Kind is "redis" or "sentinel").Select(s => s.Image).Distinct());
        var image = Dockerfile.Load(ImagesTable.Load().Single(r => r.Image == redisImage).Dockerfile).BaseImageOf(stage: null);

        var version = Regex.Match(image, @"^redis:(?<line>[0-9]+\.[0-9]+)\.(?<patch>[0-9]+)");
        Assert.True(version.Success && RedisFixedPatch.TryGetValue(version.Groups["line"].Value, out var fixedPatch) && int.Parse(version.Groups["patch"].Value) >= fixedPatch,
            $"{image} does not carry the fix for CVE-2025-49844");
    }

    [GeneratedRegex(@"^\$\{[A-Z][A-Z0-9_]*_IMAGE\}$")]
    private static partial Regex BaseImageArgument();

    /// <summary>
    /// Official registries/namespaces only, and a tag with a full version number (never "latest", never a bare
    /// major), optionally pinned further by digest.
    /// </summary>
    [GeneratedRegex(@"^(mcr\.microsoft\.com/dotnet/[a-z]+|gcr\.io/etcd-development/etcd|redis|haproxy|nginx|postgres|debian):v?[0-9]+\.[0-9]+(\.[0-9]+)?(-[a-z0-9-]+)?(@sha256:[0-9a-f]{64})?$")]
    private static partial Regex PinnedImage();
}
