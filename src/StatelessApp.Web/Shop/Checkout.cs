using Microsoft.EntityFrameworkCore;
using Npgsql;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Turns a cart into an order, on the primary, in one transaction sent in one round trip (<see cref="CheckoutBatch"/>),
/// and acknowledges it only once a standby has it: an order the shopper was shown must survive the loss of the
/// primary's region.
/// </summary>
public sealed partial class Checkout(
    ShopDbContext db,
    StandbyConfirmation<ShopDbContext> standbyConfirmation,
    OrderCap orderCap,
    ConsistencyScope consistency,
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
    /// racing on two instances are serialised by the shopper's advisory lock: the second returns the first's order.
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
                // Held open across the commit, so that the standby confirmation's polls ask the server that committed.
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    return await PlaceOnceAsync(attempt.OrderId, attempt.ShopperId, attempt.Cart, attempt.Key, ct);
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

    /// <summary>
    /// One attempt, one round trip: the key's earlier order, this attempt's order if an earlier attempt committed it,
    /// or a new one; then the commit's position and the standbys' positions, read after the commit in the same round trip.
    /// </summary>
    private async Task<CheckoutOutcome?> PlaceOnceAsync(Guid orderId, string shopperId, Cart cart, string? key, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var policy = orderCap.Policy;
        var now = time.GetUtcNow();
        await using var batch = CheckoutBatch.Create(connection, orderId, shopperId, cart, key,
            ToDatabasePrecision(now), now - policy.Window, policy.PermitLimit);
        batch.BatchCommands.Add(standbyConfirmation.CreateCommitCommand());

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var result = await CheckoutBatch.ReadAsync(reader, shopperId, ct);
        if (result.Order is not { } order)
        {
            // Nothing was written: a replay is never refused (it found its order above), a new order may be.
            if (result.OrdersInWindow >= policy.PermitLimit && result.OldestInWindow is { } oldest)
            {
                throw orderCap.Refusal(policy, oldest);
            }

            return null;
        }

        var outcome = new CheckoutOutcome(order.Id == orderId ? InCartOrder(order, cart) : order, IsReplay: order.Id != orderId);
        var commit = await standbyConfirmation.ReadCommitAsync(reader, ct);
        await reader.DisposeAsync(); // the connection is free for the confirmation's polls
        await consistency.RecordCommittedWriteAsync(commit.Position, ct);

        // A replay confirms too: its order may be the one whose first answer was a 503 for want of this.
        await standbyConfirmation.ConfirmCommitAsync(db, commit, ct);
        return outcome;
    }

    /// <summary>A new order's lines in the cart's order, as the shopper put them in (the batch reads them by product).</summary>
    private static Order InCartOrder(Order order, Cart cart)
    {
        var position = new Dictionary<int, int>();
        foreach (var line in cart.Lines)
        {
            position.TryAdd(line.ProductId, position.Count);
        }

        order.Lines = [.. order.Lines.OrderBy(line => position.GetValueOrDefault(line.ProductId, int.MaxValue))];
        return order;
    }

    /// <summary>PostgreSQL keeps microseconds: the order returned now equals the order read back later.</summary>
    private static DateTimeOffset ToDatabasePrecision(DateTimeOffset time) =>
        time.AddTicks(-(time.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Order {OrderId} returned again for idempotency key {IdempotencyKey}: not placed twice")]
    private partial void LogOrderReplayed(Guid orderId, string? idempotencyKey);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Order {OrderId} placed: {LineCount} lines, total {Total}")]
    private partial void LogOrderPlaced(Guid orderId, int lineCount, decimal total);
}
