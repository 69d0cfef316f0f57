using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Hands etcd's leadership to the witness site's member. Losing the region that holds the etcd leader costs more than
/// an election: the new leader extends every lease to its full TTL (etcd's guard against expiring leases it cannot
/// judge), Patroni's leader key included, so PostgreSQL's failover took about 2 s longer when region A's member led
/// (docs/failover.md). With the witness leading, losing either data region leaves the leader and the lease alone.
/// A preference, not a guarantee: an election after the witness itself restarts may pick another member; `up` moves
/// it back.
/// </summary>
public static class EtcdLeadership
{
    public static async Task MoveToWitnessAsync(StackContext context, CancellationToken cancellationToken)
    {
        var witness = context.Topology.NodeOf(NodeKind.Etcd, StackTopology.WitnessRegion);
        var environment = Etcdctl.AsRoot(context);
        var status = await CommandRunner.RunAsync("etcdctl", [Etcdctl.AllEndpoints(context), "endpoint", "status", "-w", "json"],
            Etcdctl.Timeout, environment, cancellationToken: cancellationToken);
        if (!status.Succeeded)
        {
            throw new StackException("etcd: could not read the members' status: " + status.Output.Trim());
        }

        ulong? leader = null, witnessId = null;
        string? leaderEndpoint = null;
        using (var json = JsonDocument.Parse(status.Output))
        {
            foreach (var entry in json.RootElement.EnumerateArray())
            {
                var endpoint = entry.GetProperty("Endpoint").GetString() ?? "";
                var self = entry.GetProperty("Status").GetProperty("header").GetProperty("member_id").GetUInt64();
                var leads = entry.GetProperty("Status").GetProperty("leader").GetUInt64();
                leader = leads;
                if (self == leads)
                {
                    leaderEndpoint = endpoint;
                }

                if (endpoint.EndsWith(witness.Endpoint, StringComparison.Ordinal))
                {
                    witnessId = self;
                }
            }
        }

        if (witnessId is null || leader is null || leaderEndpoint is null)
        {
            throw new StackException("etcd: could not tell the leader or the witness member from `etcdctl endpoint status`");
        }

        if (leader == witnessId)
        {
            return;
        }

        var move = await CommandRunner.RunAsync("etcdctl",
            ["--endpoints=" + leaderEndpoint, "move-leader", witnessId.Value.ToString("x", CultureInfo.InvariantCulture)],
            Etcdctl.Timeout, environment, cancellationToken: cancellationToken);
        if (!move.Succeeded)
        {
            throw new StackException("etcd: could not move the leadership to the witness: " + move.Output.Trim());
        }
    }
}
