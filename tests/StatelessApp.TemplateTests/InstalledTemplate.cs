using System.Collections.Concurrent;

namespace StatelessApp.TemplateTests;

/// <summary>
/// The template packed from this repository and installed into a throw-away DOTNET_CLI_HOME, shared by all
/// template tests (packing and installing once keeps the suite fast). Disposing uninstalls it and deletes
/// everything it created; the user's own template list is never touched.
/// </summary>
public sealed class InstalledTemplate : IAsyncLifetime
{
    public const string PackageId = "StatelessApp.Templates";
    public const string ShortName = "stateless-app";

    private readonly ConcurrentDictionary<string, Task<GeneratedSolution>> _solutions = new();

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>A fresh folder outside the repository, so no Directory.Build.props of ours applies to outputs.</summary>
    public string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "template-tests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// Environment for `dotnet new`: an isolated home that holds the installed template. NuGet also takes its
    /// home from DOTNET_CLI_HOME, so the restore post action is pointed back at the user's package folder: the
    /// same packages, from the same sources, as every other build here, instead of a fresh download.
    /// </summary>
    public IReadOnlyDictionary<string, string> IsolatedCli => new Dictionary<string, string>
    {
        ["DOTNET_CLI_HOME"] = Path.Combine(WorkRoot, "cli-home"),
        ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
    };

    public string PackagePath { get; private set; } = "";

    public TimeSpan PackDuration { get; private set; }

    public TimeSpan InstallDuration { get; private set; }

    /// <summary>`dotnet new uninstall` (which lists installed packages) in the user's real home, before the tests.</summary>
    public string UsersTemplatePackagesBefore { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkRoot);
        UsersTemplatePackagesBefore = (await ListUsersTemplatePackagesAsync()).Output;

        var pack = await DotnetCli.RunAsync(RepositoryRoot,
        [
            "pack", "templates/StatelessApp.Templates.csproj", "-c", "Release", "-nologo",
            "-o", Path.Combine(WorkRoot, "package"),
            // Build output of the pack goes to the temp folder, not into the repository.
            "--artifacts-path", Path.Combine(WorkRoot, "pack-artifacts"),
        ]);
        Ensure(pack);
        PackDuration = pack.Duration;
        PackagePath = Directory.GetFiles(Path.Combine(WorkRoot, "package"), PackageId + ".*.nupkg").Single();

        var install = await DotnetCli.RunAsync(WorkRoot, ["new", "install", PackagePath], IsolatedCli);
        Ensure(install);
        InstallDuration = install.Duration;
    }

    public async Task DisposeAsync()
    {
        try
        {
            Ensure(await DotnetCli.RunAsync(WorkRoot, ["new", "uninstall", PackageId], IsolatedCli));
            var list = await DotnetCli.RunAsync(WorkRoot, ["new", "list", ShortName], IsolatedCli);
            if (list.Succeeded)
            {
                throw new InvalidOperationException("The template is still listed after uninstalling it:\n" + list.Output);
            }
        }
        finally
        {
            Directory.Delete(WorkRoot, recursive: true);
        }
    }

    /// <summary>Creates the solution of a case once; later callers get the same output folder.</summary>
    public Task<GeneratedSolution> GenerateAsync(TemplateCase templateCase) =>
        _solutions.GetOrAdd(templateCase.Name, _ => CreateAsync(templateCase));

    /// <summary>Runs `dotnet new stateless-app` with the isolated home, in the work folder.</summary>
    public Task<CommandResult> NewAsync(params string[] arguments) =>
        DotnetCli.RunAsync(WorkRoot, ["new", ShortName, .. arguments], IsolatedCli);

    public Task<CommandResult> ListUsersTemplatePackagesAsync() =>
        DotnetCli.RunAsync(WorkRoot, ["new", "uninstall"]);

    private async Task<GeneratedSolution> CreateAsync(TemplateCase templateCase)
    {
        var root = Path.Combine(WorkRoot, "solutions", templateCase.Name);
        var creation = await NewAsync(["-n", templateCase.Name, "-o", root, .. templateCase.Options()]);
        Ensure(creation);
        return new GeneratedSolution(templateCase, root, creation);
    }

    private static void Ensure(CommandResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Explain());
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "templates", "StatelessApp.Templates.csproj")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (with templates/StatelessApp.Templates.csproj) above {AppContext.BaseDirectory}");
    }
}
