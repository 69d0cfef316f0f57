using StackExchange.Redis;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Makes a new stamp the shopper's current one in Redis (<see cref="ShopperStamps"/>), so every other copy of its cookie
/// (another browser, a stolen copy) is refused on every instance of both regions from its next request on, and
/// re-issues this browser's cookie with it (same shopper, same expiry). For an account the caller has written the new
/// security stamp to the database first (the truth the Redis copy stands for).
/// </summary>
public sealed partial class ShopperRevocation(ShopperStamps stamps, ILogger<ShopperRevocation> logger)
{
    public async Task<RevocationOutcome> ApplyAsync(HttpContext context, string stamp)
    {
        var shopperId = context.User.GetShopperId();
        var issued = await ShopperIdentity.IssuedAsync(context);
        try
        {
            await stamps.StoreAsync(shopperId, stamp, context.RequestAborted);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotRevoked(shopperId, ex.Message);
            return RevocationOutcome.NotStored;
        }

        // Stored on the primary: from here on this browser needs the new stamp, whether or not a replica confirms.
        await ShopperIdentity.ReissueAsync(context, stamp, issued);
        try
        {
            await stamps.ConfirmAsync(context.RequestAborted);
        }
        catch (ReplicaAcknowledgementException ex)
        {
            LogNotConfirmed(shopperId, ex.Message);
            return RevocationOutcome.NotConfirmed;
        }

        LogRevoked(shopperId);
        return RevocationOutcome.Revoked;
    }

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Every shopper cookie of {ShopperId} revoked; this browser's re-issued")]
    private partial void LogRevoked(string shopperId);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Revocation for shopper {ShopperId} failed: {Reason}")]
    private partial void LogNotRevoked(string shopperId, string reason);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Warning, Message = "Revocation for shopper {ShopperId} stored on the primary but not confirmed by a replica: {Reason}")]
    private partial void LogNotConfirmed(string shopperId, string reason);
}
