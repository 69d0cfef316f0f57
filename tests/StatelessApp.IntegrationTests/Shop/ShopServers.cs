using System.Diagnostics;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// Real Redis and a real PostgreSQL primary + standby, migrated with the shop's own command
/// (<c>dotnet StatelessApp.Web.dll migrate</c>), and two app instances sharing them.
/// </summary>
public class ShopServers : IAsyncLifetime
{
    private readonly List<ShopInstance> _instances = [];

    public RedisServer Redis { get; } = new();

    public PostgresCluster Postgres { get; } = new();

    public ShopInstance App1 { get; private set; } = null!;

    public ShopInstance App2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Redis.InitializeAsync(), Postgres.InitializeAsync());
        var migration = await MigrateAsync(Postgres.MultiHostConnectionString, Redis.ConnectionString);
        Assert.True(migration.ExitCode == 0, $"migrate exited {migration.ExitCode}:\n{migration.Output}");
        await Postgres.WaitForReplicationAsync();
        App1 = StartInstance("app-1");
        App2 = StartInstance("app-2");
    }

    public ShopInstance StartInstance(string name, IReadOnlyDictionary<string, string?>? settings = null,
        Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null)
    {
        var instance = new ShopInstance(name, Redis.ConnectionString, Postgres.MultiHostConnectionString, settings, configure);
        try
        {
            _ = instance.BaseAddress; // starts it
        }
        catch
        {
            instance.Dispose();
            throw;
        }

        _instances.Add(instance);
        return instance;
    }

    /// <summary>
    /// Runs the shop's migrate command as the deploy does: a separate process that exits, after migrating the database and
    /// creating the key ring's first key in <paramref name="redisConnectionString"/>'s Redis.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> MigrateAsync(string connectionString, string redisConnectionString)
    {
        var webDll = Path.Combine(AppContext.BaseDirectory, "StatelessApp.Web.dll");
        var start = new ProcessStartInfo("dotnet", [webDll, "migrate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ConnectionStrings__Shop"] = connectionString;
        start.Environment["ConnectionStrings__Redis"] = redisConnectionString;
        foreach (var (key, value) in SingleRedisSettings.Values.Concat(TestKeyRingCertificates.SharedSettings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
