using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// Stand-ins for app instances behind a proxy (plain HTTP, as in the plaintext twin): each port answers /health/ready
/// with 200, <c>/unavailable</c> with 503 (what an instance says when a write was not confirmed) and anything else with
/// 200, and records every request but the health checks: which port, method and Idempotency-Key.
/// </summary>
public sealed class CountingApps : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();

    private CountingApps(WebApplication app) => _app = app;

    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>Every request the instances received (health checks aside), in order.</summary>
    public IReadOnlyList<Received> Requests => [.. _received];

    public static async Task<CountingApps> StartAsync(int instances)
    {
        // Port 0, read back after binding: a port picked free beforehand can be taken by a parallel test meanwhile.
        var listeners = new List<ListenOptions>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            for (var i = 0; i < instances; i++)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listeners.Add);
            }
        });
        var app = builder.Build();
        var apps = new CountingApps(app);
        app.Run(async context =>
        {
            if (context.Request.Path == "/health/ready")
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            apps._received.Enqueue(new Received(context.Connection.LocalPort, context.Request.Method, context.Request.Headers["Idempotency-Key"].ToString()));
            context.Response.StatusCode = context.Request.Path == "/unavailable" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        });
        await app.StartAsync();
        apps.Ports = [.. listeners.Select(listener => listener.IPEndPoint!.Port)];
        return apps;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Received(int Port, string Method, string IdempotencyKey);
}
