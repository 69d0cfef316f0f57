using StatelessApp.BrowserTests.Browsers;
using StatelessApp.BrowserTests.Fixtures;
using Xunit.Abstractions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using StatelessApp.TestKit.Ordering;

namespace StatelessApp.BrowserTests.Shop;

/// <summary>
/// What people do in the shop's pages, in real browsers in both regions: accounts whose one cookie every instance
/// accepts and takes back, carts that follow the shopper, and all of it across the loss of region A (last: it leaves
/// the stack failed over).
/// </summary>
[Collection(BrowserStackGroup.Name)]
[TestCaseOrderer(RegionLossLast.TypeName, RegionLossLast.AssemblyName)]
public sealed class ShopperJourneyTests(BrowserStackFixture stack, ITestOutputHelper output)
{
    /// <summary>Bounds a person's reloads while Redis (about 3 s) and PostgreSQL (about 12 s, docs/failover.md) fail over.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(45);

    /// <summary>
    /// The browsers trust the stack's CA for real rather than ignoring certificate errors: the stack's name loads over
    /// HTTPS, while the same proxy reached by a name its certificate does not carry is refused.
    /// </summary>
    [Fact]
    public async Task The_browsers_trust_the_stack_CA_and_still_check_the_name()
    {
        await stack.EnsureWholeAsync();
        await using var scenario = new BrowserScenario(stack, output);
        var visitor = scenario.NewShopper("visitor");
        await scenario.RunAsync(async () =>
        {
            var page = await visitor.InRegionAsync("a");
            await page.GotoServedAsync("/");
            Assert.StartsWith(stack.Origin.ToString(), page.Url, StringComparison.Ordinal);

            var uncertified = new UriBuilder(stack.Origin) { Host = RegionBrowsers.UncertifiedName(stack.Topology.Domain) }.Uri;
            var refused = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(uncertified.ToString()));
            Assert.Contains("ERR_CERT_COMMON_NAME_INVALID", refused.Message, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// The same account signed in on a laptop (region A) and a phone (region B); "Sign out everywhere" on the laptop,
    /// and the phone's very next page, served by region B, asks for sign-in: its header offers "Sign in" and the account
    /// page sends it to the sign-in page. The laptop stays signed in.
    /// </summary>
    [Fact]
    public async Task Sign_out_everywhere_in_one_browser_makes_the_other_browser_sign_in_again()
    {
        await stack.EnsureWholeAsync();
        await using var scenario = new BrowserScenario(stack, output);
        var laptop = scenario.NewShopper("laptop");
        var phone = scenario.NewShopper("phone");
        var email = AccountSteps.NewEmail("everywhere");
        await scenario.RunAsync(async () =>
        {
            var laptopPage = await laptop.InRegionAsync("a");
            await laptopPage.RegisterAsync(email);

            var phonePage = await phone.InRegionAsync("b");
            await phonePage.SubmitSignInAsync(email, "not the password at all");
            await Expect(phonePage.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
                "Email or password is incorrect, or sign-in is paused for this account. Try again later.");
            await phonePage.SignInAsync(email);
            await phonePage.GotoServedAsync("/Account");
            await Expect(phonePage.GetByText(email, new() { Exact = true }).First).ToBeVisibleAsync();
            scenario.Log($"{email} signed in on the laptop (served by {await laptopPage.ServedByAsync()}) and the phone (served by {await phonePage.ServedByAsync()})");

            var answer = await laptopPage.SignOutEverywhereAsync();
            Assert.Equal("Every other browser is signed out.", answer);
            await laptopPage.ExpectSignedInAsync(email);

            await phonePage.GotoServedAsync("/");
            scenario.Log($"the phone's next page, served by {await phonePage.ServedByAsync()}, after sign out everywhere");
            Assert.StartsWith("b/", await phonePage.ServedByAsync(), StringComparison.Ordinal);
            await phonePage.ExpectAnonymousAsync();
            await phonePage.GotoServedAsync("/Account");
            Assert.Matches("/Account/SignIn\\?returnUrl=%2FAccount$", phonePage.Url);

            await laptopPage.GotoServedAsync("/Account");
            await laptopPage.ExpectSignedInAsync(email);
        });
    }

    /// <summary>
    /// An account left a cart behind when it signed out (region A); the same browser, anonymous now, fills another cart
    /// and signs in again through region B: one cart with both, and the anonymous order placed meanwhile is the account's.
    /// </summary>
    [Fact]
    public async Task The_anonymous_cart_and_orders_merge_into_the_account_at_sign_in()
    {
        await stack.EnsureWholeAsync();
        await using var scenario = new BrowserScenario(stack, output);
        var shopper = scenario.NewShopper("shopper");
        var email = AccountSteps.NewEmail("merge");
        await scenario.RunAsync(async () =>
        {
            var page = await shopper.InRegionAsync("a");
            await page.RegisterAsync(email);
            scenario.Log($"registered {email}");
            var saved = await page.AddToCartAsync(0);
            await page.SignOutAsync();
            Assert.Empty(await page.CartLinesAsync());

            var ordered = await page.AddToCartAsync(1);
            var anonymousOrder = await page.PlaceOrderAsync(TimeSpan.FromSeconds(30));
            var anonymous = await page.AddToCartAsync(2);
            Assert.Equal([anonymous], await page.CartLinesAsync());
            scenario.Log($"saved to {email}: {saved}; anonymous order {anonymousOrder} ({ordered}); anonymous cart: {anonymous}");

            page = await shopper.InRegionAsync("b");
            await page.SignInAsync(email);
            scenario.Log($"signed in through region B, served by {await page.ServedByAsync()}");
            Assert.StartsWith("b/", await page.ServedByAsync(), StringComparison.Ordinal);
            Assert.Equal(new[] { saved, anonymous }.Order(StringComparer.Ordinal), (await page.CartLinesAsync()).Order(StringComparer.Ordinal));
            Assert.Equal([anonymousOrder], await page.MyOrdersAsync());
        });
    }

    /// <summary>
    /// One anonymous shopper and one who signed in, both shopping in region A when all of it is killed (one loss for
    /// both, so the suite pays for one failover): in region B the anonymous cart is there, the account is still signed
    /// in without signing in again, with its cart, and both check out and see their order.
    /// </summary>
    [Fact]
    [KillsARegion]
    public async Task Carts_and_sign_ins_survive_the_loss_of_region_A_and_check_out_in_region_B()
    {
        await stack.EnsureWholeAsync();
        await using var scenario = new BrowserScenario(stack, output);
        var anonymous = scenario.NewShopper("anonymous");
        var member = scenario.NewShopper("signed-in");
        var email = AccountSteps.NewEmail("region-loss");
        await scenario.RunAsync(async () =>
        {
            var page = await anonymous.InRegionAsync("a");
            string[] anonymousCart = [await page.AddToCartAsync(0), await page.AddToCartAsync(1)];
            Assert.StartsWith("a/", await page.ServedByAsync(), StringComparison.Ordinal);
            Assert.Equal(anonymousCart, await page.CartLinesAsync());

            page = await member.InRegionAsync("a");
            await page.RegisterAsync(email);
            await page.SignOutAsync();
            await page.SignInAsync(email);
            string[] memberCart = [await page.AddToCartAsync(2)];
            Assert.Equal(memberCart, await page.CartLinesAsync());
            Assert.StartsWith("a/", await page.ServedByAsync(), StringComparison.Ordinal);
            scenario.Log($"region A: anonymous cart {string.Join(", ", anonymousCart)}; {email} signed in, cart {string.Join(", ", memberCart)}");

            var (killed, failover) = await stack.KillRegionAsync("a");
            scenario.Log($"killed region A ({string.Join(", ", killed.Select(n => n.Name))}); Redis and PostgreSQL primaries in region B after {failover.TotalSeconds:0.0} s");

            await ContinueInRegionBAsync(scenario, anonymous, anonymousCart, email: null);
            await ContinueInRegionBAsync(scenario, member, memberCart, email);
        });
    }

    /// <summary>The shopper's browser now reaches region B: the cart (and the sign-in) are there, the order is placed and listed.</summary>
    private static async Task ContinueInRegionBAsync(BrowserScenario scenario, BrowserShopper shopper, string[] cart, string? email)
    {
        var page = await shopper.InRegionAsync("b");
        var loads = await page.ReloadUntilServedAsync("/Cart", FailoverBound);
        scenario.Log($"{shopper.Name}: the cart page answered in region B after {loads} load(s), served by {await page.ServedByAsync()}");
        Assert.StartsWith("b/", await page.ServedByAsync(), StringComparison.Ordinal);
        if (email is null)
        {
            await page.ExpectAnonymousAsync();
        }
        else
        {
            await page.ExpectSignedInAsync(email);
        }

        Assert.Equal(cart, await page.CartLinesAsync());
        var order = await page.PlaceOrderAsync(FailoverBound);
        scenario.Log($"{shopper.Name}: order {order} placed in region B");
        Assert.Equal(cart.Order(StringComparer.Ordinal), (await page.OrderLinesAsync()).Order(StringComparer.Ordinal));
        Assert.Equal([order], await page.MyOrdersAsync());
        Assert.Empty(await page.CartLinesAsync());
    }
}
