using System.Net;

namespace StatelessApp.TemplateTests;

/// <summary>
/// The empty app's demo page stores nothing for an anonymous view: a session exists only once something is written to
/// it. Proved with Redis down: a view that wrote a session would answer 503; the page answers 200 without a cookie,
/// and only the POST that counts a visit needs Redis.
/// </summary>
[Collection(InstalledTemplateGroup.Name)]
public sealed class EmptyAppSessionTests(InstalledTemplate template)
{
    [Fact]
    public async Task Anonymous_page_views_store_no_session_and_only_counting_a_visit_needs_Redis()
    {
        var solution = await template.GenerateAsync(TemplateCase.All.First(c => !c.Sample));
        var assembly = await solution.BuildWebAsync();
        await using var app = await RunningWebApp.StartAsync(assembly, RunningWebApp.ServersDown);
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = app.Address };

        for (var i = 0; i < 5; i++)
        {
            using var view = await client.GetAsync(new Uri("/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            Assert.Equal("{\"visits\":0}", await view.Content.ReadAsStringAsync());
            Assert.False(view.Headers.Contains("Set-Cookie"), $"an anonymous view set a cookie:\n{app.Output}");
        }

        using var count = await client.PostAsync(new Uri("/visits", UriKind.Relative), content: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, count.StatusCode);
    }
}
