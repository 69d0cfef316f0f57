using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>GET /api/status: region, instance, the Redis endpoint and the PostgreSQL nodes this instance uses.</summary>
internal static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this RouteGroupBuilder api)
    {
        api.MapGet("/status", async (StatusReporter reporter, CancellationToken cancellationToken) =>
            TypedResults.Ok(await reporter.ReportAsync(cancellationToken))).WithTags("Status");
        return api;
    }
}
