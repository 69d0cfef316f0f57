using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.Web.Data;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// Signing an account in and out of this browser. One cookie: the shopper cookie is re-issued with the account's
/// claims (shopper id = account id), so the orders, the session binding and the revocation check that already hold
/// for shoppers hold for accounts. See docs/accounts.md.
/// </summary>
public sealed partial class AccountSessions(ShopDbContext db, ShopperStamps stamps, SavedCarts savedCarts, ILogger<AccountSessions> logger)
{
    /// <summary>
    /// After the password was checked: the cookie re-issued for the account, the session given a new id bound to it
    /// (with the cart still in it), the account's saved cart merged in, the anonymous shopper's orders attached to the
    /// account, and the antiforgery cookie dropped.
    /// </summary>
    public async Task SignInAsync(HttpContext context, ShopAccount account, CancellationToken cancellationToken)
    {
        var previous = context.User.GetShopperId();
        var wasAnonymous = context.User.AccountEmail() is null;
        var cart = await context.Session.LoadCartAsync(cancellationToken); // loaded while the session is still the old owner's
        if (!wasAnonymous && previous != account.ShopperId)
        {
            await SaveCartAsync(previous, cart, cancellationToken); // another account signed in here: its cart stays its own
            cart = new Cart();
        }

        await CacheStampAsync(account, cancellationToken);
        await ShopperIdentity.SignInAccountAsync(context, account.ShopperId, account.SecurityStamp!, account.Email!);
        await context.Session.RegenerateAsync(cancellationToken);

        cart.Merge(await savedCarts.TakeAsync(account.ShopperId, cancellationToken));
        context.Session.SaveCart(cart);

        var attached = wasAnonymous ? await AttachOrdersAsync(previous, account.ShopperId, cancellationToken) : 0;
        AntiforgeryRotation.Rotate(context);
        LogSignedIn(account.ShopperId, attached, cart.Lines.Count);
    }

    /// <summary>
    /// The session's cart saved to the account, the session emptied and given a new id, a fresh anonymous identity.
    /// Returns false when the cart could not be saved (logged; the sign-out happens all the same). An anonymous shopper
    /// has nothing to sign out of, and keeps its cart and orders.
    /// </summary>
    public async Task<bool> SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.User.AccountEmail() is null)
        {
            return true;
        }

        var cart = await context.Session.LoadCartAsync(cancellationToken);
        var saved = await SaveCartAsync(context.User.GetShopperId(), cart, cancellationToken);
        context.Session.Clear();
        await ShopperIdentity.StartAnonymousAsync(context);
        await context.Session.RegenerateAsync(cancellationToken);
        AntiforgeryRotation.Rotate(context);
        return saved;
    }

    private async Task<bool> SaveCartAsync(string shopperId, Cart cart, CancellationToken cancellationToken)
    {
        try
        {
            await savedCarts.SaveAsync(shopperId, cart, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ReplicaAcknowledgementException)
        {
            LogCartNotSaved(shopperId, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Redis holds the account's current stamp so every request checks it there; if this write is lost the check falls
    /// back to the database (<see cref="AccountStampFallback"/>), so it needs no WAIT.
    /// </summary>
    private async Task CacheStampAsync(ShopAccount account, CancellationToken cancellationToken)
    {
        try
        {
            await stamps.StoreAsync(account.ShopperId, account.SecurityStamp!, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogStampNotCached(account.ShopperId, ex.Message);
        }
    }

    /// <summary>
    /// One UPDATE on the primary: the anonymous shopper's orders become the account's. Its commit position goes into the
    /// session (WritePositionRecorder), so the next orders page, on any instance of either region, sees them. An order
    /// whose idempotency key the account already used stays where it is (the unique (shopper, key) index).
    /// </summary>
    private Task<int> AttachOrdersAsync(string anonymousId, string accountShopperId, CancellationToken cancellationToken) =>
        db.Orders
            .Where(order => order.ShopperId == anonymousId
                            && (order.IdempotencyKey == null
                                || !db.Orders.Any(own => own.ShopperId == accountShopperId && own.IdempotencyKey == order.IdempotencyKey)))
            .ExecuteUpdateAsync(update => update.SetProperty(order => order.ShopperId, accountShopperId), cancellationToken);

    [LoggerMessage(EventId = 9203, Level = LogLevel.Information, Message = "Account {ShopperId} signed in: {AttachedOrders} anonymous orders attached, {CartLines} cart lines")]
    private partial void LogSignedIn(string shopperId, int attachedOrders, int cartLines);

    [LoggerMessage(EventId = 9204, Level = LogLevel.Warning, Message = "Cart of account {ShopperId} not saved ({Reason})")]
    private partial void LogCartNotSaved(string shopperId, string reason);

    [LoggerMessage(EventId = 9205, Level = LogLevel.Warning, Message = "Stamp of account {ShopperId} not cached in Redis ({Reason}): its cookie is checked against the database")]
    private partial void LogStampNotCached(string shopperId, string reason);
}
