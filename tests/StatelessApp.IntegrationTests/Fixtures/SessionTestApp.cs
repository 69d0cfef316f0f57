using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>Which session implementation a <see cref="SessionTestApp"/> runs.</summary>
public enum SessionKind
{
    /// <summary>Ours: AddRedisSessions + UseRedisSessions.</summary>
    Redis,

    /// <summary>Microsoft's: AddStackExchangeRedisCache + AddSession + UseSession, for comparison.</summary>
    Stock,
}

/// <summary>
/// A minimal app instance (its own host and container) wired like the shop: AddRedis, AddRedisKeyRing,
/// sessions, antiforgery and cookie auth, plus /health/ready. Runs on TestServer, or on Kestrel on a free
/// loopback port when the real server's behaviour matters.
/// </summary>
public sealed class SessionTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpMessageHandler> _serverHandler;
    private readonly Uri _baseAddress;

    private SessionTestApp(WebApplication app, Func<HttpMessageHandler> serverHandler, Uri baseAddress, ListLoggerProvider logs)
    {
        _app = app;
        _serverHandler = serverHandler;
        _baseAddress = baseAddress;
        Logs = logs;
    }

    public IServiceProvider Services => _app.Services;

    public ListLoggerProvider Logs { get; }

    /// <param name="migrate">
    /// Creates the key ring's first key first when the ring has none, as the <c>migrate</c> verb does (instances outside
    /// Development never create it); false for an instance that must not touch Redis before it starts.
    /// </param>
    public static async Task<SessionTestApp> StartAsync(
        RedisServer redis,
        IDictionary<string, string?>? settings = null,
        SessionKind sessions = SessionKind.Redis,
        bool kestrel = false,
        bool migrate = true)
    {
        var builder = NewBuilder(redis, settings);

        var logs = new ListLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.AddRedis("Redis");
        builder.AddRedisKeyRing();
        if (sessions == SessionKind.Redis)
        {
            builder.AddRedisSessions();
        }
        else
        {
            builder.Services.AddStackExchangeRedisCache(options =>
            {
                options.Configuration = redis.ConnectionString;
                options.InstanceName = "stock:";
            });
            builder.Services.AddSession();
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddControllers().AddApplicationPart(typeof(SessionTestApp).Assembly);
        builder.Services.AddAntiforgery();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization();

        var app = builder.Build();

        // Outside the sessions, as in the shop: it must still be able to write a body after the endpoint.
        app.UseStatusCodePages();
        if (sessions == SessionKind.Redis)
        {
            app.UseRedisSessions();
        }
        else
        {
            app.UseSession();
        }

        app.UseAuthentication();
        MapEndpoints(app);
        app.MapControllers();
        if (migrate)
        {
            KeyRingFirstKey.CreateIfMissing(app.Services); // what the app's `migrate` verb does before instances start
        }

        await app.StartAsync();

        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new SessionTestApp(app, () => new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }, new Uri(address), logs);
        }

        var server = app.GetTestServer();
        // HTTPS, as the app is served: the session cookie is Secure.
        return new SessionTestApp(app, server.CreateHandler, new Uri("https://localhost/"), logs);
    }

    /// <summary>
    /// What the app's <c>migrate</c> verb does for the key ring, in a host of its own that never serves: creates the first
    /// key when the ring (<paramref name="settings"/>' KeyRing:RedisKey) has none. Says whether it did.
    /// </summary>
    public static async Task<bool> MigrateKeyRingAsync(RedisServer redis, IDictionary<string, string?>? settings = null)
    {
        var builder = NewBuilder(redis, settings);
        builder.Logging.ClearProviders();
        builder.AddRedis("Redis");
        builder.AddRedisKeyRing();
        await using var app = builder.Build();
        return KeyRingFirstKey.CreateIfMissing(app.Services);
    }

    /// <summary>
    /// A client that sends and keeps <paramref name="browser"/>'s cookies; redirects are not followed. HTTPS on TestServer
    /// unless <paramref name="https"/> is false (a Kestrel instance serves plain HTTP: <see cref="Browser"/> keeps Secure cookies anyway).
    /// </summary>
    public HttpClient CreateClient(Browser browser, bool https = true)
    {
        var address = https || _baseAddress.Scheme == Uri.UriSchemeHttp ? _baseAddress : new UriBuilder(_baseAddress) { Scheme = Uri.UriSchemeHttp, Port = -1 }.Uri;
        return new HttpClient(browser.CreateHandler(_serverHandler())) { BaseAddress = address };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A Production builder with only the test's configuration: Redis, the shared key ring certificate, <paramref name="settings"/>.</summary>
    private static WebApplicationBuilder NewBuilder(RedisServer redis, IDictionary<string, string?>? settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Only what the test sets: the shop's appsettings.json is copied next to the tests and would otherwise
        // apply (its log levels even change how many commands the stock session sends).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(SingleRedisSettings.Values)
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(TestKeyRingCertificates.SharedSettings);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        return builder;
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/untouched", () => "untouched");

        app.MapGet("/session", async (HttpContext context) =>
        {
            await context.Session.LoadAsync();
            return context.Session.GetString("value") ?? "(empty)";
        });

        // Without LoadAsync: the synchronous path code written for the stock session may still take.
        app.MapGet("/session/sync", (HttpContext context) => context.Session.GetString("value") ?? "(empty)");

        app.MapGet("/session/id", async (HttpContext context) =>
        {
            await context.Session.LoadAsync();
            return context.Session.Id;
        });

        // Writes a body: the commit happens at the first byte of the response.
        app.MapPost("/session/{value}", async (HttpContext context, string value) =>
        {
            await context.Session.LoadAsync();
            context.Session.SetString("value", value);
            return $"saved {value}";
        });

        // No body: the commit happens when the pipeline returns.
        app.MapPost("/session-redirect/{value}", async (HttpContext context, string value) =>
        {
            await context.Session.LoadAsync();
            context.Session.SetString("value", value);
            return Results.Redirect("/session");
        });

        app.MapPost("/session-big/{bytes:int}", async (HttpContext context, int bytes) =>
        {
            await context.Session.LoadAsync();
            context.Session.Set("big", new byte[bytes]);
            return "stored";
        });

        // A bare 404 after a session change: UseStatusCodePages (outside) writes the body after the commit.
        app.MapPost("/session-missing/{value}", async (HttpContext context, string value) =>
        {
            await context.Session.LoadAsync();
            context.Session.SetString("value", value);
            return Results.NotFound();
        });

        // Writes through Response.BodyWriter and leaves the bytes unflushed: the middleware must still send them.
        app.MapPost("/session-writer/{value}", async (HttpContext context, string value) =>
        {
            await context.Session.LoadAsync();
            context.Session.SetString("value", value);
            var bytes = System.Text.Encoding.UTF8.GetBytes($"written {value}");
            bytes.CopyTo(context.Response.BodyWriter.GetSpan(bytes.Length));
            context.Response.BodyWriter.Advance(bytes.Length);
        });

        app.MapDelete("/session", async (HttpContext context) =>
        {
            await context.Session.LoadAsync();
            context.Session.Clear();
            return Results.NoContent();
        });

        app.MapGet("/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
            antiforgery.GetAndStoreTokens(context).RequestToken);

        app.MapPost("/antiforgery", async (HttpContext context, IAntiforgery antiforgery) =>
            await antiforgery.IsRequestValidAsync(context) ? Results.Ok("valid") : Results.BadRequest("invalid"));

        app.MapPost("/signin/{name}", async (HttpContext context, string name) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return "signed in";
        });

        app.MapGet("/whoami", (HttpContext context) => context.User.Identity?.Name ?? "anonymous");

        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
    }
}
