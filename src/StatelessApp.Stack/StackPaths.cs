using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack;

/// <summary>
/// Where things live. The repository provides deploy/ (config files) and the app's sources; the state folder
/// (default &lt;repo&gt;/.stack, ignored by git) holds everything a run creates: data, logs, pids, secrets, the app build.
/// </summary>
public sealed class StackPaths
{
    public StackPaths(string repositoryRoot, string? stateRoot = null)
    {
        RepositoryRoot = Path.GetFullPath(repositoryRoot);
        StateRoot = Path.GetFullPath(stateRoot ?? Path.Combine(RepositoryRoot, ".stack"));
    }

    public string RepositoryRoot { get; }

    public string StateRoot { get; }

    public string Deploy => Path.Combine(RepositoryRoot, "deploy");

    public string TopologyFile => Path.Combine(Deploy, "topology.env");

    public string WebProject => Path.Combine(RepositoryRoot, "src", "StatelessApp.Web");

    public string Logs => Path.Combine(StateRoot, "logs");

    public string Pids => Path.Combine(StateRoot, "run");

    public string Data => Path.Combine(StateRoot, "data");

    /// <summary>Where an app instance runs from when no release is current (a state folder from before releases).</summary>
    public string App => Path.Combine(StateRoot, "app");

    public string AppAssembly => Path.Combine(App, "StatelessApp.Web.dll");

    /// <summary>Every published build of the app, one folder each (<see cref="ReleaseOf"/>); the state names the current one.</summary>
    public string Releases => Path.Combine(StateRoot, "releases");

    public string ReleaseOf(string id) => Path.Combine(Releases, id);

    public string SecretsFile => Path.Combine(StateRoot, "secrets.env");

    /// <summary>Role shop's password alone, which the app instances read at every new connection (Database:PasswordFile).</summary>
    public string ShopDbPasswordFile => Path.Combine(StateRoot, "shop-db-password");

    /// <summary>What `./stack backup` writes at the witness: Redis RDB copies (redis/), etcd snapshots (etcd/) and, when
    /// the postgres account can reach it, pgBackRest's repository (<see cref="PostgresBackups"/>).</summary>
    public string Backups => Path.Combine(StateRoot, "backup");

    /// <summary>
    /// pgBackRest's repository (stanza shop), outside both regions' data folders. PostgreSQL archives into it as
    /// postgres, so it lives where <see cref="ServiceAccountData"/> does: .stack/backup/pgbackrest, or next to the nodes'
    /// folders under /var/lib/statelessapp when the state folder is private.
    /// </summary>
    public string PostgresBackups => ServiceAccountData == Data
        ? Path.Combine(Backups, "pgbackrest")
        : Path.Combine(ServiceAccountData, "backup-pgbackrest");

    /// <summary>Fresh clusters restored from <see cref="PostgresBackups"/> (`./stack restore`), one folder per address.</summary>
    public string RestoreOf(string address) => ServiceAccountData == Data
        ? Path.Combine(StateRoot, "restore", address)
        : Path.Combine(ServiceAccountData, "restore-" + address);

    /// <summary>The stack's CA and node certificates (<see cref="Security.StackCertificates"/>) and the key ring's (<see cref="Security.KeyRingCertificate"/>).</summary>
    public string Tls => Path.Combine(StateRoot, "tls");

    /// <summary>Choices made by the last `up` that later commands must honour (the proxy kind).</summary>
    public string StateFile => Path.Combine(StateRoot, "state.env");

    public string LogOf(string node) => Path.Combine(Logs, node + ".log");

    public string PidOf(string node) => Path.Combine(Pids, node + ".pid");

    public string DataOf(string node) => Path.Combine(Data, node);

    /// <summary>
    /// Where the nodes that run as an unprivileged account (PostgreSQL as <c>postgres</c>; dnsmasq drops root before it
    /// reads its hosts file) keep their files. That account must be
    /// able to walk the whole path to its folder, and a clone under a private folder (/root, a mktemp folder) cannot
    /// be walked by anyone but its owner; then these nodes live under /var/lib/statelessapp/&lt;id of the state
    /// folder&gt; instead (each node's own folder is still private where its server wants it so). Otherwise they stay
    /// under <see cref="Data"/>.
    /// </summary>
    public string ServiceAccountData => _serviceAccountData ??=
        IsWalkableByOthers(Path.GetDirectoryName(StateRoot)) ? Data : Path.Combine(SharedServiceRoot, StateFolderId());

    public string ServiceAccountDataOf(string node) => Path.Combine(ServiceAccountData, node);

    /// <summary>
    /// Creates <paramref name="node"/>'s folder under <see cref="ServiceAccountData"/> and makes every folder above it
    /// that the stack owns walkable by other accounts (the state folder may have been created private: a temp folder).
    /// </summary>
    public string CreateServiceAccountFolder(string node)
    {
        const UnixFileMode walkable = FileModes.OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var chain = ServiceAccountData == Data ? new[] { StateRoot, Data } : new[] { SharedServiceRoot, ServiceAccountData };
        foreach (var folder in chain)
        {
            Directory.CreateDirectory(folder);
            FileModes.Set(folder, walkable);
        }

        var home = ServiceAccountDataOf(node);
        Directory.CreateDirectory(home);
        return home;
    }

    /// <summary>Creates <paramref name="folder"/> (under the state folder or <see cref="ServiceAccountData"/>) with every
    /// folder above it up to the state folder walkable by the service account, which owns the folder itself.</summary>
    public string CreateServiceAccountFolderAt(string folder)
    {
        const UnixFileMode walkable = FileModes.OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        CreateServiceAccountFolder(".");
        var stop = ServiceAccountData == Data ? StateRoot : ServiceAccountData;
        var parents = new List<string>();
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(folder)); dir is not null && dir.Length > stop.Length; dir = Path.GetDirectoryName(dir))
        {
            parents.Add(dir);
        }

        foreach (var parent in Enumerable.Reverse(parents))
        {
            Directory.CreateDirectory(parent);
            FileModes.Set(parent, walkable);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The folder under which <see cref="ServiceAccountData"/> lives when the state folder is private.</summary>
    public const string SharedServiceRoot = "/var/lib/statelessapp";

    private string? _serviceAccountData;

    /// <summary>Deletes everything a run created: the state folder and, when it lives elsewhere, the service account's data.</summary>
    public void DeleteAll()
    {
        foreach (var folder in new[] { ServiceAccountData, StateRoot })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    // One folder per state folder, so that a user's stack and the test suites' stacks never share data.
    private string StateFolderId() =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(StateRoot)))[..16];

    private static bool IsWalkableByOthers(string? folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        for (var dir = folder is null ? null : new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            // A folder that does not exist yet is created with the default (walkable) mode.
            if (dir.Exists && !dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Finds the repository from a starting folder (the current directory, or a test's bin folder) by walking up
    /// to the folder that has deploy/topology.env.
    /// </summary>
    public static string FindRepositoryRoot(string? start = null)
    {
        foreach (var origin in new[] { start, Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = origin is null ? null : new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "deploy", "topology.env")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository (a folder with deploy/topology.env) above the current directory.");
    }
}
