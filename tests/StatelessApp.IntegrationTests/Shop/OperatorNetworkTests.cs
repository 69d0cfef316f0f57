using System.Net;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// The status endpoints show internal addresses, roles and positions: only clients in Operators:Networks see them
/// (loopback by default); anyone else gets the 404 of a path that does not exist, and no link to it.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class OperatorNetworkTests(ShopServers servers)
{
    [Fact]
    public async Task Operators_on_loopback_see_the_status_page_the_api_and_the_link()
    {
        using var operatorClient = new Shopper();

        var api = await operatorClient.On(servers.App1).GetAsync("api/status");
        var page = await operatorClient.On(servers.App1).GetAsync("Status");
        var catalogue = await operatorClient.On(servers.App1).GetStringAsync("");

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("href=\"/Status\"", catalogue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anyone_else_gets_the_404_of_a_path_that_does_not_exist_and_no_link()
    {
        // The test client is on 127.0.0.1: an instance whose operators are elsewhere sees it as an outsider.
        var app = servers.StartInstance("app-operators-elsewhere", new Dictionary<string, string?> { ["Operators:Networks:0"] = "10.9.0.0/16" });
        using var outsider = new Shopper();
        var catalogue = await outsider.On(app).GetStringAsync(""); // a returning visitor: the shopper cookie is issued

        var api = await outsider.On(app).GetAsync("api/status");
        var page = await outsider.On(app).GetAsync("Status");
        var missing = await outsider.On(app).GetAsync("api/no-such-path");

        SecurityAttempts.Record("client outside Operators:Networks → app instance (in-process)", "GET /api/status",
            $"{(int)api.StatusCode} {api.ReasonPhrase}", api.StatusCode == HttpStatusCode.NotFound);
        SecurityAttempts.Record("client outside Operators:Networks → app instance (in-process)", "GET /Status (the page)",
            $"{(int)page.StatusCode} {page.ReasonPhrase}", page.StatusCode == HttpStatusCode.NotFound);
        var apiProblem = await ProblemAssert.IsProblemAsync(api, HttpStatusCode.NotFound);
        var missingProblem = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(page, HttpStatusCode.NotFound);
        // Indistinguishable from a path that does not exist: same title, same headers (not the API's Cache-Control).
        Assert.Equal(missingProblem.GetProperty("title").GetString(), apiProblem.GetProperty("title").GetString());
        Assert.Equal(missing.Headers.CacheControl?.ToString(), api.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("/Status", catalogue, StringComparison.Ordinal);
    }
}
