using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// Shutdown takes the instance out of rotation first: /health/ready turns 503 at once, while requests in flight
/// (and new ones, during the drain delay) are still served.
/// </summary>
public sealed class GracefulDrainTests(ShopServers servers) : IClassFixture<ShopServers>
{
    [Fact]
    public async Task After_stop_begins_readiness_is_503_while_an_in_flight_request_still_completes()
    {
        var gate = new SlowEndpoint();
        var instance = servers.StartInstance("app-draining",
            new Dictionary<string, string?> { ["Proxy:DrainDelay"] = "00:00:02", ["Proxy:DrainTimeout"] = "00:00:10" },
            builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(gate)));
        using var shopper = new Shopper();
        Assert.Equal(HttpStatusCode.OK, (await shopper.On(instance).GetAsync("health/ready")).StatusCode);

        var inFlight = shopper.On(instance).GetAsync(SlowEndpoint.Path);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var host = instance.Services.GetRequiredService<IHost>();
        var stopping = host.StopAsync();

        var ready = await shopper.On(instance).GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"draining\":\"Unhealthy\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(ServiceUnavailable.RetryAfterSeconds), ready.Headers.RetryAfter?.Delta);
        // During the drain delay the instance still takes new requests: a proxy that has not probed yet is not refused.
        Assert.Equal(HttpStatusCode.OK, (await shopper.On(instance).GetAsync("health/live")).StatusCode);
        Assert.False(stopping.IsCompleted);

        gate.Release.SetResult();
        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("finished", await response.Content.ReadAsStringAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>A request that stays in flight until the test lets it finish.</summary>
    private sealed class SlowEndpoint : IStartupFilter
    {
        public const string Path = "/test/slow";

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path != Path)
                {
                    await nextMiddleware(context);
                    return;
                }

                Entered.TrySetResult();
                await Release.Task;
                await context.Response.WriteAsync("finished");
            });
            next(app);
        };
    }
}
