using System.Net;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Shop;
using StatelessApp.TestKit.Security;
using static StatelessApp.TestKit.Shop.ShopResponses;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// The sign-in throttle across the whole stack: sign-ins of one account through region A's proxy and region B's count
/// against one limit (RateLimits:SignInPerAccount as shipped: 10 per 15 min), whichever instance of either region
/// serves them, and the attempt over it is refused with the answer a wrong password gets, the right password
/// notwithstanding.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class SignInThrottleStackTests(StackFixture stack)
{
    private const int PerAccount = 10;
    private const string Failure = "Email or password is incorrect, or sign-in is paused for this account. Try again later.";
    private const string Password = "correct horse battery";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Sign_ins_through_both_regions_count_against_one_limit_per_account()
    {
        // The windows are aligned on the epoch: a run that crossed into the next one would count in two; once more then.
        for (var run = 1; ; run++)
        {
            var window = WindowIndex();
            var logs = new AppLogWatch(stack.Controller);
            var (servedBy, refused, page) = await SignInOverTheLimitAsync();
            if (WindowIndex() != window && run < 2)
            {
                continue;
            }

            SecurityAttempts.Record("browser → proxy-a/b → app", $"sign-in #{PerAccount + 1} of one account in 15 min, the right password, after {PerAccount} through both regions",
                $"{(int)refused.StatusCode} from {ServedBy(refused)}, \"{Failure}\"", refused: refused.StatusCode == HttpStatusCode.OK && page.Contains(Failure, StringComparison.Ordinal));
            Assert.Contains(servedBy, by => by.StartsWith("a/", StringComparison.Ordinal));
            Assert.Contains(servedBy, by => by.StartsWith("b/", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains(Failure, page, StringComparison.Ordinal);
            Assert.Equal(1, logs.Count("Rate limit SignInPerAccount reached by account-"));
            return;
        }
    }

    /// <summary>Registers an account, signs it in <see cref="PerAccount"/> times through A and B in turn, then once more.</summary>
    private async Task<(List<string> ServedBy, HttpResponseMessage Refused, string Page)> SignInOverTheLimitAsync()
    {
        var email = $"throttle-{Guid.NewGuid():N}@example.test";
        using (var owner = stack.NewShopper())
        {
            using var registered = await SubmitAsync(owner.A, "Account/Register", email);
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        var servedBy = new List<string>();
        for (var i = 0; i < PerAccount; i++)
        {
            using var browser = stack.NewShopper();
            using var signedIn = await SubmitAsync(i % 2 == 0 ? browser.A : browser.B, "Account/SignIn", email);
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in {i + 1}: {(int)signedIn.StatusCode} from {ServedBy(signedIn)}");
            servedBy.Add(ServedBy(signedIn));
        }

        using var last = stack.NewShopper();
        var refused = await SubmitAsync(last.B, "Account/SignIn", email);
        return (servedBy, refused, await refused.Content.ReadAsStringAsync());
    }

    /// <summary>GETs the form for its antiforgery token, then POSTs email and password back, as a browser does.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string page, string email)
    {
        var token = AntiforgeryField.TokenIn(await client.GetStringAsync(page)) ?? throw new InvalidOperationException($"{page} has no antiforgery token");
        return await client.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = Password,
            [AntiforgeryField.Name] = token,
        }));
    }

    private static long WindowIndex() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)Window.TotalMilliseconds;
}
