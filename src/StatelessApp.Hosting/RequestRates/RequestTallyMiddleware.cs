using Microsoft.AspNetCore.Http;
using StatelessApp.Hosting.Telemetry;

namespace StatelessApp.Hosting.RequestRates;

/// <summary>
/// Counts every request by its final status, placed before the exception handler so a handled exception counts as the
/// status it was answered with (503, 400...), and one that escapes as the 500 the server sends (499 if the client left). The proxies' health
/// probes and Prometheus's scrapes are not shoppers' traffic and are not counted.
/// </summary>
internal sealed class RequestTallyMiddleware(RequestDelegate next, RequestTally tally)
{
    private const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext context)
    {
        if (TelemetryNoise.IsProbeOrScrape(context))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch
        {
            // The client that went away is no server error: 499, as nginx logs it.
            tally.Count(context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : StatusCodes.Status500InternalServerError);
            throw;
        }

        tally.Count(context.Response.StatusCode);
    }
}
