using StackExchange.Redis;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Redis;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>
/// POST /api/shopper/sign-out-everywhere: revokes every copy of this shopper's cookie (another browser, a stolen copy)
/// on every instance of both regions, and re-issues this browser's with the new stamp (same shopper, same expiry) → 204.
/// </summary>
internal static partial class ShopperApi
{
    public static RouteGroupBuilder MapShopperApi(this RouteGroupBuilder api)
    {
        api.MapPost("/shopper/sign-out-everywhere", async (HttpContext context, ShopperStamps stamps, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger(typeof(ShopperApi));
            var shopperId = context.User.GetShopperId();
            var issued = await ShopperIdentity.IssuedAsync(context);
            var stamp = ShopperStamps.NewStamp();
            try
            {
                await stamps.StoreAsync(shopperId, stamp, context.RequestAborted);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogNotRevoked(logger, shopperId, ex.Message);
                await ServiceUnavailable.WriteAsync(context, "Shopper store unavailable",
                    "Nothing was revoked (or, if Redis applied it after all, this browser starts anew). Try again.");
                return Results.Empty;
            }

            // Stored on the primary: from here on this browser needs the new stamp, whether or not a replica confirms.
            await ShopperIdentity.ReissueAsync(context, stamp, issued);
            try
            {
                await stamps.ConfirmAsync(context.RequestAborted);
            }
            catch (ReplicaAcknowledgementException ex)
            {
                LogNotConfirmed(logger, shopperId, ex.Message);
                await ServiceUnavailable.WriteAsync(context, "Revocation not confirmed",
                    "The revocation holds on the primary but no replica confirmed it yet; repeat it to be sure.");
                return Results.Empty;
            }

            LogRevoked(logger, shopperId);
            return Results.NoContent();
        }).WithTags("Shopper");

        return api;
    }

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Every shopper cookie of {ShopperId} revoked; this browser's re-issued")]
    private static partial void LogRevoked(ILogger logger, string shopperId);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Revocation for shopper {ShopperId} failed, answering 503: {Reason}")]
    private static partial void LogNotRevoked(ILogger logger, string shopperId, string reason);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Warning, Message = "Revocation for shopper {ShopperId} stored on the primary but not confirmed by a replica, answering 503: {Reason}")]
    private static partial void LogNotConfirmed(ILogger logger, string shopperId, string reason);
}
