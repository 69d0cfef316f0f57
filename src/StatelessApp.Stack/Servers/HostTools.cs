namespace StatelessApp.Stack.Servers;

/// <summary>Where this machine keeps the programs the stack runs (they differ between Debian and other layouts).</summary>
public sealed class HostTools
{
    private HostTools(string postgresBinDirectory, string dotnet)
    {
        PostgresBinDirectory = postgresBinDirectory;
        Dotnet = dotnet;
    }

    /// <summary>PostgreSQL's binaries: not on PATH on a plain Debian machine, so found in /usr/lib/postgresql/N/bin.</summary>
    public string PostgresBinDirectory { get; }

    /// <summary>The dotnet host that runs the app instances and the migrations.</summary>
    public string Dotnet { get; }

    /// <summary>True when the controller runs as root: PostgreSQL must then run as the postgres user.</summary>
    public static bool IsRoot => Environment.UserName == "root";

    public static HostTools Discover()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PG_BINDIR");
        var postgres = !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : NewestPostgres()
            ?? throw new InvalidOperationException("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin (install the postgresql package, or set PG_BINDIR)");
        return new HostTools(postgres, FindDotnet());
    }

    private static string? NewestPostgres() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "postgres")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault()
            : null;

    private static string FindDotnet()
    {
        // `dotnet test` and `dotnet run` tell their children where the host is; the CLI itself runs under it.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
