using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace StatelessApp.TemplateTests;

/// <summary>How the template presents itself on the command line, and that testing it leaves the user's own
/// `dotnet new` setup alone.</summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed partial class TemplateCommandLineTests(InstalledTemplate template, ITestOutputHelper output)
{
    [Fact]
    public void Packs_and_installs_into_an_isolated_home()
    {
        output.WriteLine($"pack: {template.PackDuration.TotalSeconds:F1} s, install: {template.InstallDuration.TotalSeconds:F1} s ({Path.GetFileName(template.PackagePath)})");

        Assert.True(Directory.Exists(Path.Combine(template.IsolatedCli["DOTNET_CLI_HOME"], ".templateengine")), "the isolated home holds no template engine settings");
    }

    [Fact]
    public async Task Help_documents_every_option()
    {
        var help = await template.NewAsync("--help");

        Assert.True(help.Succeeded, help.Explain());
        // The CLI wraps descriptions into a column; compare with the wrapping undone.
        var text = Whitespace().Replace(help.Output, " ");
        Assert.Contains("--proxy <haproxy|nginx>", text, StringComparison.Ordinal);
        Assert.Contains("haproxy Retries a failed request on another instance", text, StringComparison.Ordinal);
        Assert.Contains("nginx Retries only before the response has started", text, StringComparison.Ordinal);
        Assert.Contains("Default: haproxy", text, StringComparison.Ordinal);
        Assert.Contains("--sample", text, StringComparison.Ordinal);
        Assert.Contains("false: an empty app with every building block", text, StringComparison.Ordinal);
        Assert.Contains("--no-restore", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_an_unknown_proxy_with_a_message_that_names_it()
    {
        var target = Path.Combine(template.WorkRoot, "refused");

        var refused = await template.NewAsync("-n", "Refused", "-o", target, "--proxy", "apache");

        output.WriteLine(refused.Output);
        Assert.NotEqual(0, refused.ExitCode);
        var text = Whitespace().Replace(refused.Output, " ");
        Assert.Contains("'apache' is not a valid value for --proxy", text, StringComparison.Ordinal);
        Assert.Contains("The possible values are: haproxy", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "a refused call must not write anything");
    }

    [Fact]
    public async Task Leaves_the_users_own_template_list_as_it_was()
    {
        var now = await template.ListUsersTemplatePackagesAsync();

        Assert.Equal(template.UsersTemplatePackagesBefore, now.Output);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
