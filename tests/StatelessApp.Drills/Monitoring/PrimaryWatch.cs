using System.Diagnostics;
using Npgsql;
using StatelessApp.Drills.Fixtures;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Drills.Monitoring;

/// <summary>
/// Polls every PostgreSQL and Redis node during a drill (every 250 ms) and asks each one to take a write: PostgreSQL a
/// committed INSERT into drill_probe when <c>pg_is_in_recovery()</c> is false, Redis a SET. Two nodes of one kind that
/// both took a write in the same round were two writable primaries at once: split brain.
/// </summary>
public sealed class PrimaryWatch : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly DrillStackFixture _stack;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private PrimaryWatch(DrillStackFixture stack)
    {
        _stack = stack;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>Rounds in which both PostgreSQL nodes committed a write.</summary>
    public int PostgresRoundsWithTwoPrimaries { get; private set; }

    /// <summary>Rounds in which both Redis nodes accepted a write.</summary>
    public int RedisRoundsWithTwoPrimaries { get; private set; }

    public int Rounds { get; private set; }

    /// <summary>Each round: when it ended (<see cref="Stopwatch.GetTimestamp"/>) and which nodes of each kind took a write.</summary>
    public IReadOnlyList<WatchRound> History => _history;

    private readonly List<WatchRound> _history = [];

    public static PrimaryWatch Start(DrillStackFixture stack) => new(stack);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var postgres = _stack.Topology.NodesOf(NodeKind.Postgres);
        var redis = _stack.Topology.NodesOf(NodeKind.Redis);
        var context = _stack.Controller.Context;
        while (!stop.IsCancellationRequested)
        {
            var pg = await Task.WhenAll(postgres.Select(n => PostgresAcceptsWriteAsync(n, stop)));
            var rd = await Task.WhenAll(redis.Select(n => RespProbe.AcceptsWriteAsync(context, n, stop)));
            Rounds++;
            _history.Add(new WatchRound(Stopwatch.GetTimestamp(), [.. postgres.Where((_, i) => pg[i]).Select(n => n.Name)],
                [.. redis.Where((_, i) => rd[i]).Select(n => n.Name)]));
            if (pg.Count(w => w) > 1)
            {
                PostgresRoundsWithTwoPrimaries++;
            }

            if (rd.Count(w => w) > 1)
            {
                RedisRoundsWithTwoPrimaries++;
            }

            try
            {
                await Task.Delay(Interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> PostgresAcceptsWriteAsync(Node node, CancellationToken stop)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_stack.AdminConnectionString(node));
            await connection.OpenAsync(stop);
            await using var check = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            if ((bool)(await check.ExecuteScalarAsync(stop))!)
            {
                return false;
            }

            // Local commit only: the question is whether this node takes writes, not whether its standby confirms them.
            await using var write = new NpgsqlCommand("SET synchronous_commit = local; INSERT INTO drill_probe (node) VALUES (@node)", connection);
            write.Parameters.AddWithValue("node", node.Name);
            await write.ExecuteNonQueryAsync(stop);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
