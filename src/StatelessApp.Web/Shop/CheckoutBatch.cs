using Npgsql;
using NpgsqlTypes;
using StatelessApp.Web.Data;

namespace StatelessApp.Web.Shop;

/// <summary>
/// A checkout's whole transaction as three statements sent in ONE round trip to the primary (an <see cref="NpgsqlBatch"/>
/// without an explicit transaction: everything up to the batch's first Sync is one implicit transaction, committed at
/// that Sync, so no BEGIN or COMMIT message either). Every input is known before the first statement runs (shopper, key,
/// the order id chosen before the first attempt, the cart, the cap), so no statement needs another's answer:
/// <list type="number">
/// <item>the shopper's advisory lock (transaction-scoped): checkouts of one shopper run one after the other;</item>
/// <item>one statement that, from a snapshot taken after the lock, inserts the order and its lines with the primary's
/// prices, but only if the key has no order yet, this attempt's order id is not there yet (a retry after a lost
/// answer) and the cap leaves room; it answers what it decided;</item>
/// <item>the order that now stands for this checkout (the key's, or this id's), read back with its lines.</item>
/// </list>
/// The caller appends the commit-position query after an error barrier (the implicit transaction's Sync), so the
/// position and the standbys' first snapshot come back in the same round trip, after the commit.
/// </summary>
/// <remarks>
/// Why statements rather than a PL/pgSQL function: the same single round trip, but no schema change to roll out with
/// expand/contract, and the SQL stays next to the code that reads its answer. Why statement 2 is ONE statement: in
/// READ COMMITTED each statement takes its snapshot when it starts, and statement 2 starts after statement 1 holds the
/// lock, so it sees every order committed by the shopper's previous lock holder (exact cap, no duplicate for a key);
/// prices, order and lines come from that one snapshot, so the total always equals the lines'. The unique index on
/// (shopper, key) still stands behind it for writers that do not take the lock (the release before this one took it
/// after its key lookup, but still before inserting).
/// </remarks>
internal static class CheckoutBatch
{
    private const string Lock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    // $1 shopper, $2 order id, $3 key (null: none), $4 created at, $5 window start, $6 cap, $7 product ids, $8 quantities.
    private const string Place =
        """
        WITH earlier AS (
            SELECT 1 FROM orders WHERE ("ShopperId" = $1 AND "IdempotencyKey" = $3) OR "Id" = $2
        ), recent AS (
            SELECT "CreatedAt" FROM orders WHERE "ShopperId" = $1 AND "CreatedAt" > $5 ORDER BY "CreatedAt" LIMIT $6
        ), priced AS (
            SELECT p."Id", p."Sku", p."Name", p."Price", c.quantity
            FROM unnest($7::integer[], $8::integer[]) AS c(product_id, quantity) JOIN products p ON p."Id" = c.product_id
        ), placed AS (
            INSERT INTO orders ("Id", "ShopperId", "IdempotencyKey", "CreatedAt", "Total", "ItemCount")
            SELECT $2, $1, $3, $4, sum(p."Price" * p.quantity), sum(p.quantity)::integer FROM priced p
            WHERE NOT EXISTS (SELECT 1 FROM earlier) AND (SELECT count(*) FROM recent) < $6
            HAVING count(*) > 0
            RETURNING "Id"
        ), lines AS (
            INSERT INTO order_lines ("OrderId", "ProductId", "Sku", "ProductName", "UnitPrice", "Quantity")
            SELECT placed."Id", p."Id", p."Sku", p."Name", p."Price", p.quantity FROM placed CROSS JOIN priced p
        )
        SELECT (SELECT count(*) FROM recent), (SELECT min("CreatedAt") FROM recent)
        """;

    // $1 shopper, $2 order id, $3 key. Sees statement 2's rows: a later statement of the same transaction.
    private const string Read =
        """
        SELECT o."Id", o."IdempotencyKey", o."CreatedAt", o."Total", o."ItemCount",
               l."ProductId", l."Sku", l."ProductName", l."UnitPrice", l."Quantity"
        FROM orders o LEFT JOIN order_lines l ON l."OrderId" = o."Id"
        WHERE o."ShopperId" = $1 AND (o."IdempotencyKey" = $3 OR o."Id" = $2)
        ORDER BY l."ProductId"
        """;

    /// <summary>What the batch found or did: the order standing for this checkout, or why there is none.</summary>
    /// <param name="Order">The key's earlier order, this attempt's order (placed now or by an earlier attempt), or null.</param>
    /// <param name="OrdersInWindow">The shopper's orders in the cap's window (at most the cap) before this one.</param>
    /// <param name="OldestInWindow">The oldest of them, or null.</param>
    public sealed record Result(Order? Order, long OrdersInWindow, DateTimeOffset? OldestInWindow);

    public static NpgsqlBatch Create(NpgsqlConnection connection, Guid orderId, string shopperId, Cart cart, string? key,
        DateTimeOffset createdAt, DateTimeOffset windowStart, int cap)
    {
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(Lock, Text(shopperId)));
        batch.BatchCommands.Add(Command(Place,
            Text(shopperId), new NpgsqlParameter<Guid>() { TypedValue = orderId }, Key(key),
            new NpgsqlParameter<DateTimeOffset>() { TypedValue = createdAt },
            new NpgsqlParameter<DateTimeOffset>() { TypedValue = windowStart },
            new NpgsqlParameter<int>() { TypedValue = cap },
            new NpgsqlParameter<int[]>() { TypedValue = cart.Lines.Select(line => line.ProductId).ToArray() },
            new NpgsqlParameter<int[]>() { TypedValue = cart.Lines.Select(line => line.Quantity).ToArray() }));
        var read = Command(Read, Text(shopperId), new NpgsqlParameter<Guid>() { TypedValue = orderId }, Key(key));
        read.AppendErrorBarrier = true; // the Sync after it commits the implicit transaction
        batch.BatchCommands.Add(read);
        return batch;
    }

    /// <summary>Reads the three statements' answers; <paramref name="reader"/> is left before the caller's next result.</summary>
    public static async Task<Result> ReadAsync(NpgsqlDataReader reader, string shopperId, CancellationToken cancellationToken)
    {
        // 1: the lock's single void row (the reader starts on it).
        await NextResultAsync(reader, cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var inWindow = reader.GetInt64(0);
        DateTimeOffset? oldest = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);

        await NextResultAsync(reader, cancellationToken);
        Order? order = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            order ??= new Order
            {
                Id = reader.GetGuid(0),
                ShopperId = shopperId,
                IdempotencyKey = reader.IsDBNull(1) ? null : reader.GetString(1),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
                Total = reader.GetDecimal(3),
                ItemCount = reader.IsDBNull(4) ? null : reader.GetInt32(4),
            };
            if (!reader.IsDBNull(5))
            {
                order.Lines.Add(new OrderLine
                {
                    OrderId = order.Id,
                    ProductId = reader.GetInt32(5),
                    Sku = reader.GetString(6),
                    ProductName = reader.GetString(7),
                    UnitPrice = reader.GetDecimal(8),
                    Quantity = reader.GetInt32(9),
                });
            }
        }

        return new Result(order, inWindow, oldest);
    }

    private static async Task NextResultAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.NextResultAsync(cancellationToken))
        {
            throw new InvalidOperationException("The checkout batch ended early.");
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };

    private static NpgsqlParameter Key(string? key) =>
        new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = key is null ? DBNull.Value : key };
}
