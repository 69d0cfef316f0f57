namespace StatelessApp.Stack.Processes;

/// <summary>
/// Where this machine mounts the cgroup v2 hierarchy: the one whose paths iptables' <c>-m cgroup --path</c> matches
/// (relative to its root), whatever else is mounted beside it.
/// </summary>
public static class CgroupV2Root
{
    public const string CgroupFolder = "/sys/fs/cgroup";

    /// <summary>
    /// Pure v2 (cgroup.controllers at the top): the cgroup folder itself. Hybrid v1+v2 (systemd's layout beside the
    /// v1 controllers): its <c>unified</c> folder. Pure v1 has no v2 hierarchy, which the caller cannot do without.
    /// </summary>
    public static string Find(string cgroupFolder = CgroupFolder)
    {
        if (File.Exists(Path.Combine(cgroupFolder, "cgroup.controllers")))
        {
            return cgroupFolder;
        }

        var unified = Path.Combine(cgroupFolder, "unified");
        if (File.Exists(Path.Combine(unified, "cgroup.controllers")))
        {
            return unified;
        }

        throw new InvalidOperationException(
            $"no cgroup v2 hierarchy: neither {cgroupFolder} (pure v2) nor {unified} (hybrid v1+v2) has cgroup.controllers; " +
            "a v1-only host needs the cgroup2 file system mounted, e.g. `mount -t cgroup2 none " + unified + "`");
    }
}
