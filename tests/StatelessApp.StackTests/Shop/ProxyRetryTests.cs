using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Security;
using Xunit.Abstractions;
using StatelessApp.TestKit.Http;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// A checkout whose COMMIT no standby confirms in time is answered 503 "write not confirmed", and its order stays on the
/// primary. A proxy that repeats that request on another instance places the order again, unless the request carries an
/// Idempotency-Key. Shown with each proxy kind on the running stack (<see cref="ProxySwap"/>), the standby's WAL
/// receiver stopped for the checkout (<see cref="StandbyReceiverFreeze"/>).
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class ProxyRetryTests(StackFixture stack, ITestOutputHelper output)
{
    /// <summary>What an instance logs for each checkout it answers 503 after its COMMIT (StandbyConfirmation).</summary>
    private const string NotConfirmed = "No standby confirmed the commit";

    private const string ReplayedHeader = "Idempotent-Replayed";

    public static TheoryData<ProxyKind> Kinds => new(ProxyKind.Haproxy, ProxyKind.Nginx);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_keyless_checkout_answered_503_after_its_commit_is_not_placed_again_by_the_proxy(ProxyKind kind)
    {
        await using var scene = await ShopperWithACartAsync(kind);
        var (shopper, log) = (scene.Shopper, scene.Log);

        HttpStatusCode status;
        await using (await StandbyReceiverFreeze.StartAsync(stack.Controller))
        {
            using var answer = await shopper.A.SendAsync(Checkout(idempotencyKey: null));
            status = answer.StatusCode;
        }

        // Every attempt that reached an instance committed an order and was answered 503; its log line may follow the
        // answer (the logger writes in the background). The orders count the attempts exactly.
        var attempts = await Poll.UntilAsync("the instances to log the checkout's 503 after COMMIT", _ => Task.FromResult(log.Count(NotConfirmed)),
            count => count > 0, TimeSpan.FromSeconds(10));
        var orders = await OrdersAsync(shopper.A, atLeast: attempts);
        output.WriteLine($"{kind}: the client sent the checkout once and got {(int)status}; instances answered 503 after COMMIT {attempts} time(s); orders: {orders.Count}");
        SecurityAttempts.Record($"{ProxyName(kind)} → apps", "keyless POST /api/checkout answered 503 \"write not confirmed\" after its COMMIT (standby's WAL receiver stopped)",
            $"{(int)status} to the client; {attempts} attempt(s) reached an instance; {orders.Count} order(s)", refused: orders.Count == 1);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        // Before the rule (commit 8ab461c): 4 orders through HAProxy, 3 through nginx, for this one checkout.
        Assert.Single(orders);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_keyed_checkout_answered_503_after_its_commit_is_repeated_by_the_proxy_and_returns_the_same_order(ProxyKind kind)
    {
        await using var scene = await ShopperWithACartAsync(kind);
        var (shopper, log) = (scene.Shopper, scene.Log);

        Task<HttpResponseMessage> sending;
        (int NotConfirmed, bool Answered) seen;
        await using (await StandbyReceiverFreeze.StartAsync(stack.Controller))
        {
            sending = shopper.A.SendAsync(Checkout(Guid.NewGuid().ToString("N")));
            // The first attempt committed and was answered 503; the standby comes back while the proxy repeats it.
            seen = await Poll.UntilAsync("an instance to answer the checkout 503 after its COMMIT, or the checkout to be answered",
                _ => Task.FromResult((log.Count(NotConfirmed), sending.IsCompleted)), seen => seen.Item1 > 0 || seen.Item2,
                TimeSpan.FromSeconds(15), interval: TimeSpan.FromMilliseconds(20));
        }

        using var answer = await sending;
        Assert.True(seen.NotConfirmed > 0, $"the checkout was answered {(int)answer.StatusCode} before any instance answered 503 after its COMMIT: "
            + string.Join(Environment.NewLine, log.Lines().Where(line => line.Contains("rder", StringComparison.Ordinal) || line.Contains("tandby", StringComparison.Ordinal)).TakeLast(20)));
        var body = await answer.Content.ReadAsStringAsync();
        var replayed = answer.Headers.TryGetValues(ReplayedHeader, out var values) && values.Single() == "true";
        var orders = await OrdersAsync(shopper.A, atLeast: 1);
        output.WriteLine($"{kind}: the client sent the keyed checkout once and got {(int)answer.StatusCode} (replayed: {replayed}); orders: {orders.Count}");
        SecurityAttempts.Record($"{ProxyName(kind)} → apps", "POST /api/checkout with Idempotency-Key answered 503 after its COMMIT, repeated by the proxy",
            $"{(int)answer.StatusCode}{(replayed ? ", " + ReplayedHeader + ": true" : "")}; {orders.Count} order(s)", refused: orders.Count == 1);

        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{(int)answer.StatusCode} {body}");
        // The client sent it once: a replayed answer means the proxy repeated it and the app returned the first attempt's order.
        Assert.True(replayed, "the answer is not a replay: the proxy did not repeat the keyed checkout");
        Assert.Equal(JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid(), Assert.Single(orders));
    }

    private static string ProxyName(ProxyKind kind) => kind == ProxyKind.Haproxy ? "HAProxy" : "nginx";

    private static HttpRequestMessage Checkout(string? idempotencyKey)
    {
        // A JSON body: checkout takes {} (cross-site forms cannot send JSON).
        var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    /// <summary>The proxies as <paramref name="kind"/>, a shopper with a product in the cart, the instances' logs watched from there on.</summary>
    private async Task<Scene> ShopperWithACartAsync(ProxyKind kind)
    {
        var proxies = await stack.ProxiesAsAsync(kind);
        var shopper = stack.NewShopper();
        using var added = await shopper.A.PostAsJsonAsync("api/cart/items", new { productId = 1, quantity = 1 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        return new Scene(proxies, shopper, new AppLogWatch(stack.Controller));
    }

    private sealed record Scene(ProxySwap Proxies, RegionClients Shopper, AppLogWatch Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Shopper.Dispose();
            await Proxies.DisposeAsync();
        }
    }

    /// <summary>The shopper's orders once "my orders" lists at least <paramref name="atLeast"/> (the standby catches up after the freeze).</summary>
    private static async Task<IReadOnlyList<Guid>> OrdersAsync(HttpClient client, int atLeast) =>
        await Poll.UntilAsync($"my orders to list at least {atLeast} order(s)", async cancellationToken =>
            {
                using var response = await client.GetAsync("api/orders", cancellationToken);
                response.EnsureSuccessStatusCode();
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement
                    .EnumerateArray().Select(order => order.GetProperty("id").GetGuid()).ToList();
            },
            orders => orders.Count >= atLeast, TimeSpan.FromSeconds(15));
}
