using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.Hosting.Health;

/// <summary>
/// A tiny JSON body: the overall status and each check's status, e.g.
/// <c>{"status":"Unhealthy","checks":{"draining":"Healthy","redis":"Unhealthy"}}</c>.
/// No descriptions or exception messages: the endpoint is unauthenticated and probed twice a second. A 503 (draining)
/// carries the same Retry-After as every other 503.
/// </summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            ServiceUnavailable.SetRetryAfter(context.Response);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteString(name, entry.Status.ToString());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
