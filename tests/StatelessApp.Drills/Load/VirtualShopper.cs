using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Text.Json;
using StatelessApp.Hosting.Clients;

namespace StatelessApp.Drills.Load;

/// <summary>
/// One shopper with its own cookies and its own failover-capable client (so its first region is whichever address DNS
/// gave it first): browses, adds to the cart, sets a quantity, reads the cart back and, every other round, checks out
/// with a fresh idempotency key. It knows what its cart must hold after each acknowledged change and checks every read
/// against it: an acknowledged change that is gone is a lost session write.
/// </summary>
public sealed class VirtualShopper : IDisposable
{
    public const string SessionCookie = "__Host-StatelessApp.Session";
    public const string ShopperCookie = "__Host-StatelessApp.Shopper";

    private readonly int _id;
    private readonly HttpClient _client;
    private readonly CookieContainer _cookies = new();
    private readonly Uri _site;
    private readonly Stopwatch _clock;
    private readonly Random _random;
    private readonly List<OperationRecord> _history = [];
    private int _productId;
    private int? _knownQuantity; // the cart's quantity of _productId, when every change so far was acknowledged
    private string? _sessionCookie;
    private string? _shopperCookie;

    public VirtualShopper(int id, Uri site, string dnsServer, RemoteCertificateValidationCallback serverValidator, Stopwatch clock)
    {
        _id = id;
        _site = site;
        _clock = clock;
        _random = new Random(id * 7919);
        var options = new FailoverClientOptions
        {
            DnsServer = dnsServer,
            PerAddressConnectTimeout = TimeSpan.FromMilliseconds(300),
            // Repeats as shipped (up to 8 attempts within a 20 s budget, Retry-After honoured up to 2 s): long enough to
            // ride out a database failover. Only connections are recycled sooner, so shoppers spread over both regions.
            PooledConnectionLifetime = TimeSpan.FromSeconds(5),
        };
        _client = new HttpClient(FailoverHttpHandler.Create(options, configure: sockets =>
        {
            sockets.CookieContainer = _cookies;
            sockets.UseCookies = true;
            sockets.AllowAutoRedirect = false;
            sockets.SslOptions.RemoteCertificateValidationCallback = serverValidator;
        }))
        {
            BaseAddress = site,
            // Every request is bounded (retries included): a stuck request is an "unknown", never a hang. The retry
            // budget (20 s) plus one last attempt.
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public int Id => _id;

    /// <summary>A copy: the drill reads it while the shopper goes on.</summary>
    public IReadOnlyList<OperationRecord> History
    {
        get
        {
            lock (_history)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>Acknowledged session writes that a later read did not show.</summary>
    public int LostSessionWrites { get; private set; }

    /// <summary>
    /// Times the shopper cookie was replaced by a new identity: the app could not read the old one. (A replaced session
    /// cookie proves less: a session emptied by a checkout whose answer was lost is legitimately replaced, so refused
    /// session cookies are counted from the apps' logs instead.)
    /// </summary>
    public int ReplacedShopperCookies { get; private set; }

    /// <summary>Which cookie was replaced, when, by which request.</summary>
    public List<string> CookieEvents { get; } = [];

    /// <summary>The cart's certain content at the end (null when an unknown outcome left it uncertain).</summary>
    public int? KnownQuantity => _knownQuantity;

    public int ProductId => _productId;

    public async Task RunAsync(CancellationToken stop)
    {
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            await BrowseAsync();
            var inCart = true;
            if (_knownQuantity is null || round % 2 == 0)
            {
                inCart = await AddAsync() == Outcome.Ok;
            }

            if (inCart)
            {
                await SetQuantityAsync(); // a PUT after a failed add would only add a 404 of the load's own making
            }

            await ReadCartAsync();
            if (round % 2 == 1)
            {
                await CheckoutAsync();
            }

            try
            {
                await Task.Delay(_random.Next(20, 80), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>After the drill: the cart must hold what the last acknowledged change left in it.</summary>
    public async Task<bool?> CartSurvivedAsync()
    {
        var quantity = await ReadQuantityAsync(OperationKind.ReadCart);
        return quantity.Read ? (_knownQuantity is null ? null : quantity.Value == _knownQuantity) : false;
    }

    /// <summary>After the drill: the shopper's orders, as "my orders" lists them (null when the request failed).</summary>
    public async Task<HashSet<Guid>?> MyOrdersAsync()
    {
        try
        {
            using var response = await _client.GetAsync("api/orders");
            TrackCookies();
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var orders = await response.Content.ReadFromJsonAsync<JsonElement>();
            return [.. orders.EnumerateArray().Select(o => o.GetProperty("id").GetGuid())];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private async Task BrowseAsync()
    {
        var product = _random.Next(1, 37);
        await SendAsync(OperationKind.Browse, () => new HttpRequestMessage(HttpMethod.Get, $"api/products/{product}"));
    }

    private async Task<Outcome> AddAsync()
    {
        _productId = _random.Next(1, 37);
        // With a key the failover client may repeat the addition (a connection lost in flight), and the app applies it once.
        var key = Guid.NewGuid().ToString("N");
        var (outcome, _) = await SendAsync(OperationKind.AddToCart, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/cart/items")
            {
                Content = JsonContent.Create(new { productId = _productId, quantity = 1 }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        });
        // Adding to a line that may exist makes its quantity uncertain until the next acknowledged SET.
        _knownQuantity = null;
        return outcome;
    }

    private async Task SetQuantityAsync()
    {
        var quantity = _random.Next(2, 6);
        var (outcome, status) = await SendAsync(OperationKind.SetQuantity, () => new HttpRequestMessage(HttpMethod.Put, $"api/cart/items/{_productId}")
        {
            Content = JsonContent.Create(new { quantity }),
        });
        _knownQuantity = outcome == Outcome.Ok ? quantity : status == "404" ? _knownQuantity : null;
    }

    private async Task ReadCartAsync()
    {
        var expected = _knownQuantity;
        var read = await ReadQuantityAsync(OperationKind.ReadCart);
        if (read.Read && expected is not null && read.Value != expected)
        {
            LostSessionWrites++;
            _knownQuantity = read.Value;
        }
    }

    private async Task CheckoutAsync()
    {
        if (_knownQuantity is null)
        {
            return; // the cart may be empty after an unknown outcome: a 400 would be the load's fault, not the system's
        }

        var key = Guid.NewGuid().ToString("N");
        var (outcome, _, order) = await SendForOrderAsync(key);
        _knownQuantity = outcome == Outcome.Ok ? 0 : null;
        _ = order;
    }

    private async Task<(bool Read, int Value)> ReadQuantityAsync(OperationKind kind)
    {
        var start = _clock.Elapsed;
        try
        {
            using var response = await _client.GetAsync("api/cart");
            TrackCookies();
            var servedBy = ServedBy(response);
            if (!response.IsSuccessStatusCode)
            {
                Record(kind, start, Outcome.Failed, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), servedBy: servedBy);
                return (false, 0);
            }

            var cart = await response.Content.ReadFromJsonAsync<JsonElement>();
            Record(kind, start, Outcome.Ok, "200", servedBy: servedBy);
            var line = cart.GetProperty("lines").EnumerateArray().FirstOrDefault(l => l.GetProperty("productId").GetInt32() == _productId);
            return (true, line.ValueKind == JsonValueKind.Undefined ? 0 : line.GetProperty("quantity").GetInt32());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Record(kind, start, Outcome.Failed, Describe(e));
            return (false, 0);
        }
    }

    private async Task<(Outcome Outcome, string Status, Guid? Order)> SendForOrderAsync(string key)
    {
        var start = _clock.Elapsed;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/checkout") { Content = JsonContent.Create(new { }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await _client.SendAsync(request);
            TrackCookies();
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var order = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                Record(OperationKind.Checkout, start, Outcome.Ok, status, key, order, ServedBy(response));
                return (Outcome.Ok, status, order);
            }

            var outcome = (int)response.StatusCode >= 500 ? Outcome.Unknown : Outcome.Failed;
            Record(OperationKind.Checkout, start, outcome, status, key, servedBy: ServedBy(response));
            return (outcome, status, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Record(OperationKind.Checkout, start, Outcome.Unknown, Describe(e), key);
            return (Outcome.Unknown, Describe(e), null);
        }
    }

    private async Task<(Outcome Outcome, string Status)> SendAsync(OperationKind kind, Func<HttpRequestMessage> create)
    {
        var start = _clock.Elapsed;
        var write = kind is OperationKind.AddToCart or OperationKind.SetQuantity;
        try
        {
            using var request = create();
            using var response = await _client.SendAsync(request);
            TrackCookies();
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var outcome = response.IsSuccessStatusCode ? Outcome.Ok
                : (int)response.StatusCode >= 500 && write ? Outcome.Unknown
                : Outcome.Failed;
            Record(kind, start, outcome, status, servedBy: ServedBy(response));
            return (outcome, status);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Record(kind, start, write ? Outcome.Unknown : Outcome.Failed, Describe(e));
            return (write ? Outcome.Unknown : Outcome.Failed, Describe(e));
        }
    }

    private void Record(OperationKind kind, TimeSpan start, Outcome outcome, string status, string? key = null, Guid? order = null, string? servedBy = null)
    {
        lock (_history)
        {
            _history.Add(new OperationRecord(_id, kind, start, _clock.Elapsed, outcome, status) { IdempotencyKey = key, OrderId = order, ServedBy = servedBy });
        }
    }

    /// <summary>A cookie that changes value was re-issued: the server could not read the old one.</summary>
    private void TrackCookies([System.Runtime.CompilerServices.CallerMemberName] string caller = "")
    {
        var cookies = _cookies.GetCookies(_site);
        var session = cookies[SessionCookie]?.Value;
        var shopper = cookies[ShopperCookie]?.Value;
        // A checkout gives the session a new id (the old one is deleted): a new cookie then is the rule, not a refusal.
        if (_sessionCookie is not null && session is not null && session != _sessionCookie && caller != nameof(SendForOrderAsync))
        {
            CookieEvents.Add($"shopper {_id}: session cookie replaced at {_clock.Elapsed.TotalSeconds:0.0}s ({caller})");
        }

        if (_shopperCookie is not null && shopper is not null && shopper != _shopperCookie)
        {
            CookieEvents.Add($"shopper {_id}: shopper cookie replaced at {_clock.Elapsed.TotalSeconds:0.0}s ({caller})");
            ReplacedShopperCookies++;
        }

        // An emptied session (cart cleared by checkout) is deleted with its cookie: the next one is new, not a replacement.
        _sessionCookie = session;
        _shopperCookie = shopper ?? _shopperCookie;
    }

    private static string? ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Served-By", out var values) ? values.First() : null;

    private static string Describe(Exception e) => e switch
    {
        TaskCanceledException => "timeout",
        HttpRequestException { HttpRequestError: var error } => error.ToString(),
        _ => e.GetType().Name,
    };

    public void Dispose() => _client.Dispose();
}
