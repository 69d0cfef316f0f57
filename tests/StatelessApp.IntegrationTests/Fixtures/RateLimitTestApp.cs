using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// One app instance with the hosting block's rate limits on a real Redis and a fake clock, on TestServer. The test picks
/// each request's client address and user with two test-only headers (<see cref="ClientHeader"/>, <see cref="UserHeader"/>),
/// set by a middleware in front of the limits, as the proxy support and authentication would.
/// </summary>
public sealed class RateLimitTestApp : IAsyncDisposable
{
    public const string ClientHeader = "X-Test-Client";
    public const string UserHeader = "X-Test-User";

    private readonly WebApplication _app;

    private RateLimitTestApp(WebApplication app, ListLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
    }

    public ListLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RateLimitTestApp> StartAsync(string redisConnectionString, TimeProvider time, IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redisConnectionString });
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new ListLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(time);
        builder.AddRedis("Redis");
        builder.AddStatelessHealthChecks();
        builder.AddRedisRateLimits();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers[ClientHeader] is [{ } client])
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(client);
            }

            if (context.Request.Headers[UserHeader] is [{ } user])
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "test"));
            }

            return next(context);
        });
        app.UseRedisRateLimits();
        app.MapStatelessHealthChecks();
        app.MapGet("/", () => "served");
        await app.StartAsync();
        return new RateLimitTestApp(app, logs);
    }

    public async Task<HttpResponseMessage> GetAsync(string client, string? user = null, string path = "/")
    {
        using var http = _app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(ClientHeader, client);
        if (user is not null)
        {
            request.Headers.Add(UserHeader, user);
        }

        return await http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
