using Npgsql;
using StatelessApp.Stack;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.StackTests.Fixtures;

/// <summary>
/// The PostgreSQL standby's WAL receiver stopped (SIGSTOP) until disposed (SIGCONT): the primary still lists the standby
/// as streaming, but it flushes nothing more, so no commit is confirmed and a write that waits for a standby answers 503
/// "write not confirmed" after its COMMIT. Within wal_sender_timeout (5 s, deploy/patroni/patroni.yml): after that the
/// primary drops the standby and accepts writes alone.
/// </summary>
public sealed class StandbyReceiverFreeze : IAsyncDisposable
{
    private const int StopSignal = 19; // SIGSTOP (Linux)
    private const int ContinueSignal = 18; // SIGCONT (Linux)
    private readonly int _receiver;

    private StandbyReceiverFreeze(int receiver) => _receiver = receiver;

    public static async Task<StandbyReceiverFreeze> StartAsync(StackController stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var nodes = await stack.StatusAsync();
        var standby = nodes.Single(s => s.Node.Kind == NodeKind.Postgres && s.Probe.Role == ServerRole.Standby).Node;
        // The superuser, through the standby's Unix socket (pg_hba refuses it from the network).
        await using var admin = new NpgsqlConnection(PatroniServer.SuperuserConnectionString(standby, stack.Context) + ";Pooling=false");
        await admin.OpenAsync();
        var pid = await Poll.UntilAsync($"{standby.Name}'s WAL receiver to stream", async cancellationToken =>
            {
                await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_wal_receiver WHERE status = 'streaming'", admin);
                return await command.ExecuteScalarAsync(cancellationToken);
            },
            pid => pid is int, TimeSpan.FromSeconds(15));
        var receiver = (int)pid!;
        Assert.True(Signals.Send(receiver, StopSignal), $"the WAL receiver (pid {receiver}) is gone");
        return new StandbyReceiverFreeze(receiver);
    }

    public ValueTask DisposeAsync()
    {
        Signals.Send(_receiver, ContinueSignal);
        return ValueTask.CompletedTask;
    }
}
