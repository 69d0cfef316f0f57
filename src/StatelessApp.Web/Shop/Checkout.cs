using Microsoft.EntityFrameworkCore;
using Npgsql;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Turns a cart into an order, on the primary, in one transaction, and acknowledges it only once a standby has it:
/// an order the shopper was shown must survive the loss of the primary's region.
/// </summary>
public sealed partial class Checkout(
    ShopDbContext db,
    StandbyConfirmation<ShopDbContext> standbyConfirmation,
    OrderCap orderCap,
    TimeProvider time,
    ILogger<Checkout> logger)
{
    /// <summary>
    /// Writes the order with prices read from the primary inside the same transaction. Runs in the execution strategy,
    /// which retries the whole attempt after a transient failure (e.g. a connection lost during a failover).
    /// The order id is chosen once, before the first attempt: if a commit succeeded but its acknowledgement was
    /// lost, the retry finds the order and returns it instead of placing it twice. The order is returned only once a
    /// standby has flushed it (<see cref="StandbyConfirmation{TContext}"/>); otherwise <see cref="WriteNotConfirmedException"/>
    /// (503), and the same key repeated later returns that very order.
    /// </summary>
    /// <param name="idempotencyKey">
    /// The client's key for this checkout, or null. A key this shopper already used returns the order it placed
    /// (<see cref="CheckoutOutcome.IsReplay"/>), whatever the cart holds now: the first attempt emptied it. Two attempts
    /// racing on two instances are decided by the unique index on (shopper, key): the loser returns the winner's order.
    /// </param>
    /// <returns>The order, or null when the key is new and none of the cart's products exist (nothing to order).</returns>
    public async Task<CheckoutOutcome?> PlaceOrderAsync(string shopperId, Cart cart, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (cart.IsEmpty && idempotencyKey is null)
        {
            return null;
        }

        var orderId = Guid.CreateVersion7(time.GetUtcNow());
        var strategy = db.Database.CreateExecutionStrategy();
        var outcome = await strategy.ExecuteAsync(
            (OrderId: orderId, ShopperId: shopperId, Cart: cart, Key: idempotencyKey),
            async (_, attempt, ct) =>
            {
                db.ChangeTracker.Clear(); // a failed attempt may have left the order tracked as Added

                // Held open across COMMIT, so that the standby confirmation asks the server that committed.
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    var placed = await PlaceOnceAsync(attempt.OrderId, attempt.ShopperId, attempt.Cart, attempt.Key, ct);
                    if (placed is not null)
                    {
                        // A replay confirms too: its order may be the one whose first answer was a 503 for want of this.
                        await standbyConfirmation.ConfirmCommitAsync(db, ct);
                    }

                    return placed;
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            },
            verifySucceeded: null,
            cancellationToken);

        if (outcome is { IsReplay: false, Order: var order })
        {
            LogOrderPlaced(order.Id, order.Lines.Count, order.Total);
        }
        else if (outcome is { IsReplay: true })
        {
            LogOrderReplayed(outcome.Order.Id, idempotencyKey);
        }

        return outcome;
    }

    /// <summary>One attempt: the key's earlier order, this attempt's order if an earlier attempt committed it, or a new one.</summary>
    private async Task<CheckoutOutcome?> PlaceOnceAsync(Guid orderId, string shopperId, Cart cart, string? key, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (key is not null && await FindByKeyAsync(shopperId, key, ct) is { } earlier)
        {
            return new CheckoutOutcome(earlier, IsReplay: true);
        }

        var already = await db.Orders.Include(o => o.Lines).AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (already is not null)
        {
            return new CheckoutOutcome(already, IsReplay: false);
        }

        await orderCap.EnsureAllowedAsync(db, shopperId, ct); // a replay above is never refused: it places nothing
        var placed = await BuildOrderAsync(orderId, shopperId, cart, ct);
        if (placed is null)
        {
            return null;
        }

        placed.IdempotencyKey = key;
        db.Orders.Add(placed);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new CheckoutOutcome(placed, IsReplay: false);
        }
        catch (DbUpdateException e) when (IsDuplicateKey(e) && key is not null)
        {
            // Another instance placed this key's order between our lookup and our insert.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var winner = await FindByKeyAsync(shopperId, key, ct)
                ?? throw new InvalidOperationException($"Order for idempotency key {key} vanished after a duplicate-key conflict.", e);
            return new CheckoutOutcome(winner, IsReplay: true);
        }
    }

    private Task<Order?> FindByKeyAsync(string shopperId, string key, CancellationToken cancellationToken) =>
        db.Orders.Include(o => o.Lines).AsNoTracking()
            .FirstOrDefaultAsync(o => o.ShopperId == shopperId && o.IdempotencyKey == key, cancellationToken);

    private static bool IsDuplicateKey(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique
        && unique.ConstraintName == IdempotencyIndex;

    /// <summary>The unique index on (ShopperId, IdempotencyKey), named by EF's convention (see the migration).</summary>
    private const string IdempotencyIndex = "IX_orders_ShopperId_IdempotencyKey";

    private async Task<Order?> BuildOrderAsync(Guid orderId, string shopperId, Cart cart, CancellationToken cancellationToken)
    {
        var ids = cart.Lines.Select(line => line.ProductId).ToArray();
        var products = await db.Products.AsNoTracking()
            .Where(product => ids.Contains(product.Id))
            .ToDictionaryAsync(product => product.Id, cancellationToken);

        var lines = cart.Lines
            .Where(line => products.ContainsKey(line.ProductId))
            .Select(line =>
            {
                var product = products[line.ProductId];
                return new OrderLine
                {
                    OrderId = orderId,
                    ProductId = product.Id,
                    Sku = product.Sku,
                    ProductName = product.Name,
                    UnitPrice = product.Price,
                    Quantity = line.Quantity,
                };
            })
            .ToList();
        if (lines.Count == 0)
        {
            return null;
        }

        return new Order
        {
            Id = orderId,
            ShopperId = shopperId,
            CreatedAt = ToDatabasePrecision(time.GetUtcNow()),
            Total = lines.Sum(line => line.LineTotal),
            ItemCount = lines.Sum(line => line.Quantity),
            Lines = lines,
        };
    }

    /// <summary>PostgreSQL keeps microseconds: the order returned now equals the order read back later.</summary>
    private static DateTimeOffset ToDatabasePrecision(DateTimeOffset time) =>
        time.AddTicks(-(time.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Order {OrderId} returned again for idempotency key {IdempotencyKey}: not placed twice")]
    private partial void LogOrderReplayed(Guid orderId, string? idempotencyKey);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Order {OrderId} placed: {LineCount} lines, total {Total}")]
    private partial void LogOrderPlaced(Guid orderId, int lineCount, decimal total);
}
