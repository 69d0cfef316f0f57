using System.Diagnostics;

namespace StatelessApp.TestKit.Postgres;

/// <summary>Finds the PostgreSQL binaries and runs them, as the postgres user when the tests run as root.</summary>
internal static class PostgresCommands
{
    private static readonly Lazy<string> BinDirectory = new(FindBinDirectory);

    public static bool RunningAsRoot { get; } = Environment.UserName == "root";

    /// <summary>
    /// Where the nodes' data lives: /dev/shm (memory) when there is one. On a machine whose disk is shared by several
    /// builds, copying a data directory to disk took seconds; in memory it takes milliseconds.
    /// </summary>
    public static string ScratchDirectory { get; } = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    public static string Tool(string name) => Path.Combine(BinDirectory.Value, name);

    /// <summary>The servers run as postgres: their directories must belong to it.</summary>
    public static Task ChownToPostgresAsync(string directory) =>
        RunningAsRoot ? RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgres: false) : Task.CompletedTask;

    /// <summary>Runs a command to completion; a non-zero exit throws with its output.</summary>
    public static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The servers' working directory must be readable by postgres; the test's may not be.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres && RunningAsRoot)
        {
            info.FileName = "runuser";
            foreach (var prefix in new[] { "-u", "postgres", "--", fileName })
            {
                info.ArgumentList.Add(prefix);
            }
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static string FindBinDirectory()
    {
        // Debian keeps the server binaries in the versioned library folder, not on PATH: take the newest version.
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .Where(x => x.version >= 0 && File.Exists(Path.Combine(x.dir, "bin", "initdb")))
                .OrderByDescending(x => x.version)
                .FirstOrDefault();
            if (newest.dir is not null)
            {
                return Path.Combine(newest.dir, "bin");
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_basebackup")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found under /usr/lib/postgresql/*/bin or on PATH");
    }
}
