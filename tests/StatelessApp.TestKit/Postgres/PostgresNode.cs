using System.Globalization;

namespace StatelessApp.TestKit.Postgres;

/// <summary>One PostgreSQL server of a <see cref="PostgresCluster"/>: its port, directories and start/stop.</summary>
public sealed class PostgresNode
{
    internal PostgresNode(string name, string root, int port)
    {
        Name = name;
        Port = port;
        DataDirectory = Path.Combine(root, name + "-data");
        SocketDirectory = Path.Combine(root, name + "-socket");
        LogFile = Path.Combine(root, name + ".log");
    }

    public string Name { get; }

    /// <summary>TCP port on 127.0.0.1 (also the number in the Unix socket's file name).</summary>
    public int Port { get; }

    public string DataDirectory { get; }

    public string SocketDirectory { get; }

    public string LogFile { get; }

    /// <summary>Superuser over the Unix socket (trust): for the fixture's and the tests' admin statements.</summary>
    public string AdminConnectionString =>
        $"Host={SocketDirectory};Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";

    public bool IsRunning => File.Exists(Path.Combine(DataDirectory, "postmaster.pid"));

    /// <summary>Starts the server and returns once it accepts connections (pg_ctl -w).</summary>
    public async Task StartAsync()
    {
        try
        {
            await PostgresCommands.RunAsync(PostgresCommands.Tool("pg_ctl"),
                ["start", "-w", "-t", "30", "-D", DataDirectory, "-l", LogFile]);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- {Name} log ---\n{TailOfLog()}", e);
        }
    }

    /// <summary>Fast: clean shutdown, sessions are terminated (57P01). Immediate: like a crash, no checkpoint.</summary>
    public Task StopAsync(StopMode mode = StopMode.Fast) =>
        PostgresCommands.RunAsync(PostgresCommands.Tool("pg_ctl"),
            ["stop", "-w", "-t", "30", "-D", DataDirectory, "-m", mode == StopMode.Fast ? "fast" : "immediate"]);

    internal string PerNodeSettings() =>
        $"""

        port = {Port.ToString(CultureInfo.InvariantCulture)}
        unix_socket_directories = '{SocketDirectory}'
        cluster_name = '{Name}'
        """ + "\n";

    /// <summary>Stops the server whatever its state; used by Dispose, never throws.</summary>
    internal async Task KillAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        try
        {
            await StopAsync(StopMode.Immediate);
        }
        catch (InvalidOperationException)
        {
            KillPostmasterByPid();
        }
    }

    private void KillPostmasterByPid()
    {
        try
        {
            var firstLine = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First();
            using var postmaster = System.Diagnostics.Process.GetProcessById(int.Parse(firstLine, CultureInfo.InvariantCulture));
            postmaster.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is IOException or ArgumentException or FormatException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private string TailOfLog()
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogFile).TakeLast(30));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}

public enum StopMode
{
    Fast,
    Immediate,
}
