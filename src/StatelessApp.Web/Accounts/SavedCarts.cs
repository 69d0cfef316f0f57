using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// The cart an account had at its last sign-out, in Redis (the cart itself lives in the browser's session, which a
/// sign-out ends). Saved at sign-out, WAIT-confirmed like a session write; taken (read and deleted) at the next sign-in
/// and merged into that browser's session cart.
/// </summary>
public sealed partial class SavedCarts(ShopRedis redis, IOptions<AccountOptions> options, ILogger<SavedCarts> logger)
{
    /// <summary>Under the app's ACL prefix (deploy/redis/users.acl allows the app StatelessApp:* only).</summary>
    public const string KeyPrefix = "StatelessApp:SavedCart:";

    /// <summary>Keeps <paramref name="cart"/> for the account's next sign-in (an empty cart keeps nothing).</summary>
    /// <exception cref="RedisException">Redis failed: the cart may or may not be saved.</exception>
    /// <exception cref="Hosting.Redis.ReplicaAcknowledgementException">Saved on the primary only.</exception>
    public async Task SaveAsync(string shopperId, Cart cart, CancellationToken cancellationToken)
    {
        var database = redis.Writes();
        await (cart.IsEmpty
            ? database.KeyDeleteAsync(Key(shopperId))
            : database.StringSetAsync(Key(shopperId), cart.ToBytes(), options.Value.SavedCartLifetime)).WaitAsync(cancellationToken);
        await redis.ConfirmAsync("saved cart", cancellationToken);
    }

    /// <summary>
    /// The saved cart, deleted from Redis so a second sign-in does not add it twice; an empty cart when there is none or
    /// Redis failed (logged: the saved cart then waits for the next sign-in).
    /// </summary>
    public async Task<Cart> TakeAsync(string shopperId, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await redis.Writes().StringGetDeleteAsync(Key(shopperId)).WaitAsync(cancellationToken);
            return Cart.FromBytes(stored);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotTaken(shopperId, ex.Message);
            return new Cart();
        }
    }

    private static RedisKey Key(string shopperId) => KeyPrefix + shopperId;

    [LoggerMessage(EventId = 9202, Level = LogLevel.Warning, Message = "Saved cart of account {ShopperId} not read at sign-in ({Reason}): it waits for the next one")]
    private partial void LogNotTaken(string shopperId, string reason);
}
