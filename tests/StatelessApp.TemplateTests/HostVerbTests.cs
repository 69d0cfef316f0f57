namespace StatelessApp.TemplateTests;

/// <summary>
/// The container image's HEALTHCHECK runs `dotnet &lt;Name&gt;.Web.dll healthcheck`: in the shop and in the empty app
/// alike it must probe the running instance, not start a second app.
/// </summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed class HostVerbTests(InstalledTemplate template)
{
    public static TheoryData<string> Variants => new(TemplateCase.All.First(c => c.Sample).Name, TemplateCase.All.First(c => !c.Sample).Name);

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Healthcheck_verb_exits_0_while_the_instance_answers_and_non_zero_once_nothing_listens(string name)
    {
        var solution = await template.GenerateAsync(TemplateCase.Named(name));
        var assembly = await solution.BuildWebAsync();

        CommandResult live;
        Uri address;
        await using (var app = await RunningWebApp.StartAsync(assembly, RunningWebApp.ServersDown))
        {
            address = app.Address;
            live = await HealthcheckAsync(assembly, address);
        }

        var gone = await HealthcheckAsync(assembly, address);

        Assert.True(live.Succeeded, live.Explain());
        Assert.Contains($"{address}health/live: 200", live.Output, StringComparison.Ordinal);
        Assert.False(gone.Succeeded, gone.Explain());
        Assert.Contains($"{address}health/live: ", gone.Output, StringComparison.Ordinal);
    }

    /// <summary>The verb as the image runs it: no configuration but the listen address.</summary>
    private static Task<CommandResult> HealthcheckAsync(string assembly, Uri address) =>
        DotnetCli.RunAsync(Path.GetDirectoryName(assembly)!, [assembly, "healthcheck"],
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = address.ToString() }, TimeSpan.FromSeconds(60));
}
