using System.Text;

namespace StatelessApp.TemplateTests;

/// <summary>The output of one `dotnet new stateless-app` call.</summary>
public sealed class GeneratedSolution(TemplateCase templateCase, string root, CommandResult creation)
{
    private static readonly string[] s_buildOutputFolders = ["bin", "obj"];

    public TemplateCase Case { get; } = templateCase;

    public string Root { get; } = root;

    public CommandResult Creation { get; } = creation;

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>Builds the Web project (Release) and returns the path of its assembly.</summary>
    public async Task<string> BuildWebAsync()
    {
        var web = $"src/{Case.CodeName}.Web";
        var build = await DotnetCli.RunAsync(Root, ["build", $"{web}/{Case.CodeName}.Web.csproj", "-c", "Release", "-nologo", "-v", "q"]);
        Assert.True(build.Succeeded, build.Explain());
        return Path.Combine(PathOf(web), "bin", "Release", "net10.0", $"{Case.CodeName}.Web.dll");
    }

    /// <summary>Every file as the template wrote it (build output left out), relative, with '/' separators.</summary>
    public IReadOnlyList<string> TemplateFiles() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(segment => s_buildOutputFolders.Contains(segment)))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The file's text, or null for a binary file (one with a NUL byte).</summary>
    public string? ReadText(string relativePath)
    {
        var bytes = File.ReadAllBytes(PathOf(relativePath));
        return Array.IndexOf(bytes, (byte)0) >= 0 ? null : Encoding.UTF8.GetString(bytes);
    }
}
