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

    /// <summary>The published app (dotnet publish output) that every app instance runs.</summary>
    public string App => Path.Combine(StateRoot, "app");

    public string AppAssembly => Path.Combine(App, "StatelessApp.Web.dll");

    public string SecretsFile => Path.Combine(StateRoot, "secrets.env");

    /// <summary>Choices made by the last `up` that later commands must honour (the proxy kind).</summary>
    public string StateFile => Path.Combine(StateRoot, "state.env");

    public string LogOf(string node) => Path.Combine(Logs, node + ".log");

    public string PidOf(string node) => Path.Combine(Pids, node + ".pid");

    public string DataOf(string node) => Path.Combine(Data, node);

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
