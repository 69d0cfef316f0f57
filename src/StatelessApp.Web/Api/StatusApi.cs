using StatelessApp.Hosting.Operators;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>
/// GET /api/status: region, instance, the Redis endpoint and the PostgreSQL nodes this instance uses. Internal addresses:
/// for the operators' networks only, everyone else gets 404.
/// </summary>
internal static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this RouteGroupBuilder api)
    {
        api.MapGet("/status", async (StatusReporter reporter, CancellationToken cancellationToken) =>
            TypedResults.Ok(await reporter.ReportAsync(cancellationToken))).WithTags("Status").RequireOperatorNetwork();
        return api;
    }
}
