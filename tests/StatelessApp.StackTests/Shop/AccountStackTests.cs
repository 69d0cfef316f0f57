using System.Diagnostics;
using System.Net;
using System.Text.Encodings.Web;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Shop;
using Xunit.Abstractions;
using static StatelessApp.TestKit.Shop.ShopResponses;
using StatelessApp.TestKit.Http;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// One sign-in, valid on every app instance of both regions (one cookie, one key ring); "sign out everywhere" refused
/// by every instance on the old cookie's next request. Prints the measured bound: from the revocation's answer to
/// each instance's refusal.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class AccountStackTests(StackFixture stack, ITestOutputHelper output)
{
    private const string ShopperCookie = "__Host-StatelessApp.Shopper";
    private const string Password = "correct horse battery";
    private const int Rounds = 5;

    [Fact]
    public async Task A_sign_in_through_region_A_is_valid_on_every_instance_and_sign_out_everywhere_is_refused_by_each_on_its_next_request()
    {
        var email = $"stack-{Guid.NewGuid():N}@example.test";
        using var owner = stack.NewShopper();
        using var registered = await SubmitAsync(owner.A, "Account/Register", "Account/Register", new() { ["Email"] = email, ["Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.StartsWith("a/", ServedBy(registered), StringComparison.Ordinal);

        var apps = stack.Topology.NodesOf(NodeKind.App).ToList();
        var worst = TimeSpan.Zero;
        for (var round = 1; round <= Rounds; round++)
        {
            using var other = stack.NewShopper();
            using var signedIn = await SubmitAsync(other.A, "Account/SignIn", "Account/SignIn", new() { ["Email"] = email, ["Password"] = Password });
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            var cookie = ShopperCookieValue(other);
            foreach (var app in apps)
            {
                Assert.True(await SignedInAsync(app, cookie, email), $"{app.Name} did not accept the cookie issued through region A");
            }

            using var revoked = await SubmitAsync(owner.B, "Account", "Account?handler=SignOutEverywhere", []);
            var answered = Stopwatch.GetTimestamp();
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);

            // Every instance at once, each with the old cookie: its next request must be refused.
            var refusals = await Task.WhenAll(apps.Select(async app =>
            {
                var accepted = await SignedInAsync(app, cookie, email);
                return (App: app.Name, Accepted: accepted, After: Stopwatch.GetElapsedTime(answered));
            }));

            output.WriteLine($"round {round}: revocation answered by {ServedBy(revoked)}; the old cookie's next request, per instance, " +
                string.Join(", ", refusals.Select(r => $"{r.App} {(r.Accepted ? "ACCEPTED" : "refused")} {r.After.TotalMilliseconds:0.0} ms")));
            foreach (var (app, accepted, _) in refusals)
            {
                SecurityAttempts.Record($"browser → {app} (direct)", "an account cookie's next request after sign-out-everywhere through the other region",
                    accepted ? "still signed in" : "refused: a new anonymous shopper", !accepted);
            }

            Assert.All(refusals, refusal => Assert.False(refusal.Accepted, $"{refusal.App} still accepted the revoked cookie"));
            worst = refusals.Max(refusal => refusal.After) > worst ? refusals.Max(refusal => refusal.After) : worst;
        }

        output.WriteLine($"revocation bound over {Rounds} rounds x {apps.Count} instances: every first request after the answer refused; " +
            $"slowest refusal {worst.TotalMilliseconds:0.0} ms after the revocation's answer");
        foreach (var app in apps)
        {
            Assert.True(await SignedInAsync(app, ShopperCookieValue(owner), email), $"{app.Name} refused the re-issued cookie of the browser that revoked");
        }
    }

    /// <summary>GETs <paramref name="page"/> for the form's token and POSTs <paramref name="fields"/> to <paramref name="action"/>.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(page);
        fields[AntiforgeryField.Name] = AntiforgeryField.TokenIn(html) ?? throw new InvalidOperationException($"{page} has no form token");
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>Whether <paramref name="app"/>, asked directly with only this shopper cookie, shows the account as signed in.</summary>
    private async Task<bool> SignedInAsync(Node app, string cookie, string email)
    {
        using var client = stack.DirectTo(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "Cart");
        request.Headers.Add("Cookie", $"{ShopperCookie}={cookie}");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Contains($"Signed in as {HtmlEncoder.Default.Encode(email)}", StringComparison.Ordinal);
    }

    private static string ShopperCookieValue(RegionClients shopper) =>
        shopper.Cookies.GetAllCookies().Single(cookie => cookie.Name == ShopperCookie).Value;
}
