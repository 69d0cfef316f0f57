using Npgsql;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Drills.Load;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.Drills.Results;

/// <summary>
/// Turns a drill's history into its figures: orders checked against the primary's table (every 201 must exist, no key
/// may have two orders), carts and "my orders" checked through the app once the stack is healthy again, and the time
/// until each kind of write succeeded again after the fault.
/// </summary>
public static class HistoryCheck
{
    public static async Task<DrillResult> AnalyseAsync(string drill, DrillStackFixture stack, ShopLoad load, Monitoring.PrimaryWatch watch,
        IReadOnlyDictionary<string, long> appLogOffsets, string notes = "")
    {
        var history = load.History.ToList();
        var fault = load.Marks.FirstOrDefault(m => m.What == "fault").At;
        var heal = load.Marks.Any(m => m.What == "heal") ? load.Marks.First(m => m.What == "heal").At : load.Clock.Elapsed;

        var acknowledged = history.Where(r => r is { Kind: OperationKind.Checkout, OrderId: not null }).ToList();
        var keys = history.Where(r => r.Kind == OperationKind.Checkout && r.IdempotencyKey is not null).Select(r => r.IdempotencyKey!).Distinct().ToArray();
        var stored = await OrdersByKeyAsync(stack, keys);
        // The servers' logs are stamped in UTC: name when a lost order was acknowledged in their terms.
        var loadStartedAt = DateTimeOffset.UtcNow - System.Diagnostics.Stopwatch.GetElapsedTime(load.StartTimestamp);
        var lostOrders = acknowledged.Where(r => !stored.TryGetValue(r.IdempotencyKey!, out var ids) || !ids.Contains(r.OrderId!.Value)).ToList();
        var duplicates = stored.Values.Sum(ids => Math.Max(0, ids.Count - 1));

        var sessionsLost = load.Shoppers.Sum(s => s.LostSessionWrites);
        var finalCheckFailures = load.Shoppers.SelectMany(s => s.CookieEvents).Take(4).ToList();
        var beforeFault = history.Where(r => r.End < fault).ToList();
        var servedBefore = $"before the fault served by a / b: {beforeFault.Count(r => r.Region == "a")} / {beforeFault.Count(r => r.Region == "b")}";
        var notOkByKind = history.Where(r => r.Outcome != Outcome.Ok).GroupBy(r => (r.Kind, r.Status))
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Key.Kind} {g.Key.Status}×{g.Count()}").ToList();
        var failures = notOkByKind.Count == 0 ? "" : "not ok: " + string.Join(", ", notOkByKind);
        var cookies = load.Shoppers.Sum(s => s.ReplacedShopperCookies) + RefusedSessionCookies(stack, appLogOffsets);
        foreach (var shopper in load.Shoppers)
        {
            if (await shopper.CartSurvivedAsync() == false)
            {
                sessionsLost++;
            }

            // "My orders" lists the newest 100: the shopper's newest acknowledged orders must be among them, else the
            // shopper cookie no longer maps to the same shopper (or orders went missing, which the count above catches).
            var expected = acknowledged.Where(r => r.Shopper == shopper.Id).OrderByDescending(r => r.End).Take(20).Select(r => r.OrderId!.Value).ToList();
            HashSet<Guid>? mine;
            try
            {
                mine = await Poll.UntilAsync($"shopper {shopper.Id}'s orders", _ => shopper.MyOrdersAsync(), orders => orders is not null,
                    TimeSpan.FromSeconds(5), interval: TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException)
            {
                mine = null;
            }

            if (mine is null)
            {
                finalCheckFailures.Add($"shopper {shopper.Id}: my orders did not answer");
            }
            else if (expected.Any(id => !mine.Contains(id)))
            {
                cookies++;
                finalCheckFailures.Add($"shopper {shopper.Id}: {expected.Count(id => !mine.Contains(id))} of its newest orders not in my orders");
            }
        }

        return new DrillResult(drill)
        {
            Requests = history.Count,
            Ok = history.Count(r => r.Outcome == Outcome.Ok),
            NotOkByStatus = history.Where(r => r.Outcome != Outcome.Ok).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()),
            Unknown = history.Count(r => r.Outcome == Outcome.Unknown),
            AcknowledgedOrders = acknowledged.Count,
            AcknowledgedOrdersLost = lostOrders.Count,
            DuplicateOrders = duplicates,
            SessionsLost = sessionsLost,
            CookiesNotDecrypting = cookies,
            DatabaseWritesBackAfter = BackAfter(history, [OperationKind.Checkout], fault, heal),
            SessionWritesBackAfter = BackAfter(history, [OperationKind.AddToCart, OperationKind.SetQuantity], fault, heal),
            PostgresWritableAfter = WritableAfter(watch, load, r => r.PostgresWritable, fault, heal),
            RedisWritableAfter = WritableAfter(watch, load, r => r.RedisWritable, fault, heal),
            PostgresTwoPrimaryRounds = watch.PostgresRoundsWithTwoPrimaries,
            RedisTwoPrimaryRounds = watch.RedisRoundsWithTwoPrimaries,
            WatchRounds = watch.Rounds,
            ServedByA = history.Count(r => r.Region == "a"),
            ServedByB = history.Count(r => r.Region == "b"),
            Seconds = load.Clock.Elapsed.TotalSeconds,
            Notes = string.Join("; ", new[] { notes, servedBefore, failures }.Concat(lostOrders.Select(order => DescribeLost(order, loadStartedAt)))
                .Concat(finalCheckFailures).Where(n => n.Length > 0)),
        };
    }

    /// <summary>What finding a lost order in the servers' logs takes: which instance acknowledged it, and when.</summary>
    private static string DescribeLost(OperationRecord order, DateTimeOffset loadStartedAt) =>
        $"LOST order {order.OrderId} (key {order.IdempotencyKey}) acknowledged by {order.ServedBy ?? "?"} "
        + $"at {loadStartedAt + order.End:HH:mm:ss.fff} UTC, {order.End.TotalSeconds:0.000} s into the load (sent at {order.Start.TotalSeconds:0.000} s)";

    /// <summary>Where each app instance's log ends now: the drill counts what is written after.</summary>
    public static IReadOnlyDictionary<string, long> AppLogOffsets(DrillStackFixture stack) =>
        stack.Topology.NodesOf(NodeKind.App).ToDictionary(n => n.Name, n =>
        {
            var log = stack.Controller.Paths.LogOf(n.Name);
            return File.Exists(log) ? new FileInfo(log).Length : 0L;
        });

    /// <summary>Session cookies the apps refused during the drill ("Session cookie refused (…)", SessionLog 2001).</summary>
    private static int RefusedSessionCookies(DrillStackFixture stack, IReadOnlyDictionary<string, long> offsets)
    {
        var refused = 0;
        foreach (var (node, offset) in offsets)
        {
            var log = stack.Controller.Paths.LogOf(node);
            if (!File.Exists(log))
            {
                continue;
            }

            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("Session cookie refused", StringComparison.Ordinal))
                {
                    refused++;
                }
            }
        }

        return refused;
    }

    /// <summary>
    /// Seconds from the fault until the first success after the last failure of these writes (failures between the fault
    /// and the heal); 0 when none failed; null when they were still failing at the heal.
    /// </summary>
    public static double? BackAfter(IReadOnlyList<OperationRecord> history, OperationKind[] kinds, TimeSpan fault, TimeSpan heal)
    {
        var writes = history.Where(r => kinds.Contains(r.Kind)).ToList();
        var failures = writes.Where(r => r.Outcome != Outcome.Ok && r.End >= fault && r.Start < heal).ToList();
        if (failures.Count == 0)
        {
            return 0;
        }

        var lastFailure = failures.Max(r => r.End);
        var recovered = writes.Where(r => r.Outcome == Outcome.Ok && r.Start >= lastFailure - TimeSpan.FromMilliseconds(1) && r.End < heal).OrderBy(r => r.End).FirstOrDefault()
            ?? writes.Where(r => r.Outcome == Outcome.Ok && r.End > lastFailure).OrderBy(r => r.End).FirstOrDefault();
        return recovered is null || recovered.End > heal ? null : (recovered.End - fault).TotalSeconds;
    }

    /// <summary>
    /// Seconds from the fault until the first watch round that found a writable node after the last round (before the
    /// heal) that found none; 0 when every round found one; null when none did before the heal.
    /// </summary>
    public static double? WritableAfter(Monitoring.PrimaryWatch watch, ShopLoad load, Func<Monitoring.WatchRound, bool> writable,
        TimeSpan fault, TimeSpan heal)
    {
        var rounds = watch.History
            .Select(r => (At: System.Diagnostics.Stopwatch.GetElapsedTime(load.StartTimestamp, r.Timestamp), Writable: writable(r)))
            .Where(r => r.At >= fault && r.At < heal)
            .ToList();
        var down = rounds.Where(r => !r.Writable).ToList();
        if (down.Count == 0)
        {
            return 0;
        }

        var lastDown = down.Max(r => r.At);
        var back = rounds.Where(r => r.Writable && r.At > lastDown).Select(r => (TimeSpan?)r.At).FirstOrDefault();
        return back is null ? null : (back.Value - fault).TotalSeconds;
    }

    private static async Task<Dictionary<string, List<Guid>>> OrdersByKeyAsync(DrillStackFixture stack, string[] keys)
    {
        // Right after a drill (a whole restart on a busy machine) the primary may still be slow to answer: polled, not failed.
        var primary = await stack.PrimaryAsync(NodeKind.Postgres);
        await using var connection = await Poll.UntilAsync("the PostgreSQL primary to accept the orders check", async cancellationToken =>
        {
            var opened = new NpgsqlConnection(stack.AdminConnectionString(primary));
            try
            {
                await opened.OpenAsync(cancellationToken);
                return opened;
            }
            catch
            {
                await opened.DisposeAsync();
                throw;
            }
        }, opened => true, TimeSpan.FromSeconds(30), retryOn: e => e is NpgsqlException);
        await using var query = new NpgsqlCommand("SELECT \"IdempotencyKey\", \"Id\" FROM orders WHERE \"IdempotencyKey\" = ANY(@keys)", connection);
        query.Parameters.AddWithValue("keys", keys);
        var result = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            if (!result.TryGetValue(key, out var ids))
            {
                result[key] = ids = [];
            }

            ids.Add(reader.GetGuid(1));
        }

        return result;
    }
}
