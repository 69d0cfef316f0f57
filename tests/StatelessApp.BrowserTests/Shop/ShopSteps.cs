using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StatelessApp.BrowserTests.Shop;

/// <summary>
/// What a shopper does on the shop's pages, found by the texts a person sees (headings, button and link names, the
/// status line), never by ids: src/StatelessApp.Web/Pages. Each step checks that the page answered what it should.
/// </summary>
public static partial class ShopSteps
{
    /// <summary>The checkout form's hidden field (src/StatelessApp.Web/Shop/IdempotencyKey.cs, FormField).</summary>
    private const string IdempotencyKeyField = "idempotencyKey";

    /// <summary>Adds one of the catalogue's <paramref name="index"/>-th product and returns its name.</summary>
    public static async Task<string> AddToCartAsync(this IPage page, int index)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoServedAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Catalogue", Exact = true })).ToBeVisibleAsync();
        var product = page.Locator("li.product").Nth(index);
        var name = (await product.GetByRole(AriaRole.Heading).TextContentAsync())?.Trim()
            ?? throw new InvalidOperationException($"product {index} has no name");
        await product.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Added 1 × {name} to your cart.");
        return name;
    }

    /// <summary>The names of the products in the cart page's lines.</summary>
    public static async Task<IReadOnlyList<string>> CartLinesAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoServedAsync("/Cart");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your cart" })).ToBeVisibleAsync();
        return await ProductNamesAsync(page.Locator("table.lines tbody tr td:first-child"));
    }

    /// <summary>
    /// Places the order from the checkout page and returns the order's id (from the order page's address: the page shows
    /// only the id's first 8 digits, which a version-7 GUID shares with every order of the same minute or so). A 503 while
    /// the stack fails over is answered as a browser resending the form would: the checkout page again, and "Place order"
    /// with the first form's idempotency key (a 503 may come after the order was written: the key places it once). The
    /// order page itself is reloaded until it shows.
    /// </summary>
    public static async Task<Guid> PlaceOrderAsync(this IPage page, TimeSpan failoverBound)
    {
        ArgumentNullException.ThrowIfNull(page);
        string? firstKey = null;
        var orderPageLoads = await Poll.UntilAsync("the order placed", async _ =>
            {
                if ((await page.GotoAsync("/Checkout"))?.Status != 200)
                {
                    return (int?)null;
                }

                var key = page.Locator($"input[name={IdempotencyKeyField}]");
                firstKey ??= await key.InputValueAsync();
                await key.EvaluateAsync("(input, first) => input.value = first", firstKey);

                // The answer that ends the click: the order page the POST redirected to, or the POST's own failure.
                var answer = await page.RunAndWaitForResponseAsync(
                    () => page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync(),
                    r => OrderPage().IsMatch(r.Url) || (r.Request.Method == "POST" && r.Status != 302));
                if (!OrderPage().IsMatch(answer.Url))
                {
                    return null;
                }

                await page.WaitForURLAsync(OrderPage());
                return answer.Status == 200 ? 1 : 1 + await page.ReloadUntilServedAsync(page.Url, failoverBound);
            },
            loads => loads is not null, failoverBound, retryOn: e => e is PlaywrightException, interval: TimeSpan.FromMilliseconds(500));
        if (orderPageLoads == 1)
        {
            // The message rides in TempData: only the order page's first rendering shows it.
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Thank you! Your order is placed.");
        }

        return OrderIdIn(page.Url);
    }

    /// <summary>The products of the order page the browser shows.</summary>
    public static Task<IReadOnlyList<string>> OrderLinesAsync(this IPage page) =>
        ProductNamesAsync(page.Locator("table.lines tbody tr td:first-child"));

    /// <summary>The orders "My orders" links to.</summary>
    public static async Task<IReadOnlyList<Guid>> MyOrdersAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoServedAsync("/Orders");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My orders" })).ToBeVisibleAsync();
        var links = await page.Locator("table.lines tbody tr td:first-child a").EvaluateAllAsync<string[]>("links => links.map(a => a.href)");
        return [.. links.Select(OrderIdIn)];
    }

    /// <summary>Which instance served the page, from its footer ("a/app-1").</summary>
    public static Task<string> ServedByAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.Locator("footer code").InnerTextAsync();
    }

    /// <summary>
    /// Loads <paramref name="path"/> and fails unless it answers 200 (a 503 page would otherwise look like any page).
    /// </summary>
    public static async Task GotoServedAsync(this IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        var response = await page.GotoAsync(path);
        if (response?.Status != 200)
        {
            throw new InvalidOperationException($"GET {path} answered {response?.Status}: {await page.ContentAsync()}");
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> until it answers 200, as a person reloads a page that failed while the stack fails
    /// over (refused connections and 503s); returns how many loads it took.
    /// </summary>
    public static async Task<int> ReloadUntilServedAsync(this IPage page, string path, TimeSpan failoverBound)
    {
        ArgumentNullException.ThrowIfNull(page);
        var loads = 0;
        await Poll.UntilAsync($"GET {path} to answer 200", async _ =>
            {
                loads++;
                return (await page.GotoAsync(path))?.Status;
            },
            status => status == 200, failoverBound, retryOn: e => e is PlaywrightException, interval: TimeSpan.FromMilliseconds(500));
        return loads;
    }

    /// <summary>The product name is each cell's first text (the SKU follows in a span).</summary>
    private static async Task<IReadOnlyList<string>> ProductNamesAsync(ILocator cells) =>
        await cells.EvaluateAllAsync<string[]>("cells => cells.map(c => c.firstChild.textContent.trim())");

    private static Guid OrderIdIn(string address) =>
        OrderPage().Match(address) is { Success: true } match ? Guid.Parse(match.Groups["id"].Value) : throw new InvalidOperationException($"not an order page: {address}");

    [GeneratedRegex("/Orders/Details/(?<id>[0-9a-f-]{36})$")]
    private static partial Regex OrderPage();
}
