using System.Globalization;

namespace StatelessApp.TestKit.Postgres;

/// <summary>Runs deploy/patroni/shop-privileges.sql (what post-bootstrap.sh runs on a new cluster) on a test server.</summary>
internal static class ShopPrivileges
{
    /// <summary>As the superuser, in <paramref name="database"/>: <paramref name="owner"/> owns the schema, <paramref name="app"/> gets rows only.</summary>
    public static async Task ApplyAsync(PostgresNode node, string database, string owner, string app)
    {
        // A copy the postgres account can read (the repository may sit under a private home folder).
        var script = Path.Combine(Path.GetDirectoryName(node.DataDirectory)!, $"shop-privileges-{Guid.NewGuid():N}.sql");
        File.Copy(RepositoryFile("deploy", "patroni", "shop-privileges.sql"), script);
        try
        {
            await PostgresCommands.ChownToPostgresAsync(script);
            await PostgresCommands.RunAsync(PostgresCommands.Tool("psql"),
            [
                "-X", "-q", "-h", node.SocketDirectory, "-p", node.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                "-d", database, "-v", "ON_ERROR_STOP=1", "-v", "owner=" + owner, "-v", "app=" + app, "-f", script,
            ]);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string RepositoryFile(params string[] parts)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine([folder.FullName, .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }
}
