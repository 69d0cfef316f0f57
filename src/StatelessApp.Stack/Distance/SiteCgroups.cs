using System.Security.Cryptography;
using System.Text;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Distance;

/// <summary>
/// One cgroup v2 per site (a, b, w) of this stack, into which every process of the site's nodes is placed before it
/// runs: on loopback every connection leaves from 127.0.0.1, so the sender's cgroup is what tells iptables which site
/// a packet comes from (the site delay, the partition drill). Named after the stack's state folder, so that two stacks
/// on one machine keep cgroups of their own: <c>statelessapp-TAG/a</c> under the v2 root.
/// </summary>
public sealed class SiteCgroups
{
    private SiteCgroups(string root, string tag, IReadOnlyList<string> sites)
    {
        Root = root;
        Tag = tag;
        Sites = sites;
    }

    /// <summary>The cgroup v2 root (<see cref="CgroupV2Root"/>).</summary>
    public string Root { get; }

    /// <summary>Eight hex digits of the state folder's hash: this stack's cgroups, iptables chains and delay queues.</summary>
    public string Tag { get; }

    public IReadOnlyList<string> Sites { get; }

    /// <summary>The stack's cgroups, or null where processes cannot be placed: not root, or no cgroup v2 hierarchy.</summary>
    public static SiteCgroups? For(StackPaths paths, StackTopology topology)
    {
        if (!HostTools.IsRoot)
        {
            return null;
        }

        try
        {
            return new SiteCgroups(CgroupV2Root.Find(), TagOf(paths.StateRoot), [.. topology.Regions.Select(r => r.Name)]);
        }
        catch (InvalidOperationException)
        {
            return null; // no cgroup v2 hierarchy
        }
    }

    public static string TagOf(string stateRoot) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateRoot)))))[..8];

    /// <summary>The site's cgroup relative to the v2 root, as iptables' <c>-m cgroup --path</c> names it.</summary>
    public string PathOf(string site) => $"{Top}/{site}";

    /// <summary>The folder (relative to the v2 root) that holds this stack's site cgroups.</summary>
    private string Top => $"statelessapp-{Tag}";

    /// <summary>The site's cgroup folder; a process is placed by writing its pid to cgroup.procs in it.</summary>
    public string FolderOf(string site) => Path.Combine(Root, PathOf(site));

    /// <summary>Creates the cgroups (leaves with no controller enabled: v2's "no internal processes" rule does not apply).</summary>
    public void Create()
    {
        foreach (var site in Sites)
        {
            Directory.CreateDirectory(FolderOf(site));
        }
    }

    /// <summary>The pids in the site's cgroup now (none when it does not exist).</summary>
    public IReadOnlyList<int> ProcessesIn(string site)
    {
        var procs = Path.Combine(FolderOf(site), "cgroup.procs");
        return File.Exists(procs) ? [.. File.ReadAllLines(procs).Where(l => l.Length > 0).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture))] : [];
    }

    /// <summary>Removes the cgroups that are empty (after `down`); a cgroup with a process left in it stays.</summary>
    public void RemoveEmpty()
    {
        foreach (var folder in Sites.Select(FolderOf).Append(Path.Combine(Root, Top)))
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder);
                }
            }
            catch (IOException)
            {
                // Not empty: the kernel refuses, and a later `down` tries again.
            }
        }
    }
}
