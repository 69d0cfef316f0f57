using System.Globalization;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Replaces an etcd member whose data is gone: a wiped member cannot rejoin under its old id (the others still know that
/// id and its Raft log), so it is removed and added again as a new member, which then starts with
/// <c>--initial-cluster-state existing</c> (<see cref="EtcdServer.JoinExistingMarker"/>). As etcd's root user, through
/// the members that still run.
/// </summary>
public static class EtcdMembership
{
    /// <summary>Removes <paramref name="member"/> from the cluster (when it is listed) and adds it back under a new id.</summary>
    public static async Task ReplaceAsync(Node member, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(context);
        var endpoints = "--endpoints=" + string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Where(n => n != member).Select(n => EtcdServer.ClientUrl(n, context)));
        var list = await RunAsync(context, "list the members", [endpoints, "member", "list", "-w", "simple"], cancellationToken);
        if (IdOf(list, member.Name, EtcdServer.PeerUrl(member, context)) is { } id)
        {
            await RunAsync(context, $"remove member {member.Name} ({id})", [endpoints, "member", "remove", id], cancellationToken);
        }

        await RunAsync(context, $"add member {member.Name}", [endpoints, "member", "add", member.Name, "--peer-urls=" + EtcdServer.PeerUrl(member, context)], cancellationToken);
    }

    /// <summary>
    /// The hex id of the member named <paramref name="name"/> in `etcdctl member list -w simple` output
    /// ("id, status, name, peer urls, client urls, is learner"), or of the member with <paramref name="peerUrl"/> (added but
    /// never started: it has no name yet); null when absent.
    /// </summary>
    public static string? IdOf(string memberList, string name, string peerUrl)
    {
        ArgumentNullException.ThrowIfNull(memberList);
        foreach (var line in memberList.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length >= 4 && (fields[2] == name || fields[3] == peerUrl) && ulong.TryParse(fields[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))
            {
                return fields[0];
            }
        }

        return null;
    }

    private static async Task<string> RunAsync(StackContext context, string what, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync("etcdctl", arguments, Etcdctl.Timeout, Etcdctl.AsRoot(context), cancellationToken: cancellationToken);
        return result.Succeeded
            ? result.Output
            : throw new StackException($"etcd: could not {what}: {result.Output.Trim()}");
    }
}
