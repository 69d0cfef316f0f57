using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StatelessApp.IntegrationTests.Clients;

/// <summary>
/// A tiny real HTTP server (Kestrel) on one loopback address: answers "served by ADDRESS", counts requests, and can be
/// told to break the next N connections mid-request or to answer 503 N times.
/// </summary>
public sealed class TestEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _breakNext;
    private int _unavailableNext;

    private TestEndpoint(WebApplication app, IPAddress address)
    {
        _app = app;
        Address = address;
    }

    public IPAddress Address { get; }

    public int Requests => _requests;

    public void BreakNext(int count) => _breakNext = count;

    public void AnswerUnavailableNext(int count) => _unavailableNext = count;

    public static async Task<TestEndpoint> StartAsync(IPAddress address, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:{port}");
        var app = builder.Build();
        var endpoint = new TestEndpoint(app, address);
        app.Map("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref endpoint._requests);
            if (Interlocked.Decrement(ref endpoint._breakNext) >= 0)
            {
                context.Abort(); // the connection dies with the request in flight
                return;
            }

            if (Interlocked.Decrement(ref endpoint._unavailableNext) >= 0)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            await context.Response.WriteAsync($"served by {address}");
        });
        await app.StartAsync();
        return endpoint;
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
