using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// ONE Npgsql multi-host data source over all PostgreSQL nodes, and the two views the app uses of it. Both views share
/// the same per-host pools and the same knowledge of which host is primary, so a role change learnt by one is known to
/// the other.
/// </summary>
public sealed class ReplicatedDataSource : IDisposable, IAsyncDisposable
{
    private readonly NpgsqlMultiHostDataSource _hosts;

    internal ReplicatedDataSource(NpgsqlMultiHostDataSource hosts, IReadOnlyList<DatabaseNode> nodes, string name, string? ownerConnectionString = null)
    {
        _hosts = hosts;
        Nodes = nodes;
        Name = name;
        OwnerConnectionString = ownerConnectionString;
        // ReadWrite rather than Primary: Npgsql's Primary also accepts a primary that refuses writes
        // (default_transaction_read_only, a fencing step some failover tools use), which would send every write to a
        // node that answers 25006 until the host recheck. ReadWrite means "the node that accepts writes".
        Primary = hosts.WithTargetSession(TargetSessionAttributes.ReadWrite);
        PreferStandby = hosts.WithTargetSession(TargetSessionAttributes.PreferStandby);
    }

    /// <summary>The connection name (<c>ConnectionStrings:{Name}</c>).</summary>
    public string Name { get; }

    /// <summary><c>ConnectionStrings:{Name}Owner</c>, for <c>migrate</c> only; null when not configured.</summary>
    internal string? OwnerConnectionString { get; }

    /// <summary>Connections to the writable primary: writes, transactions, anything that must see its own writes.</summary>
    public NpgsqlDataSource Primary { get; }

    /// <summary>Connections to a standby when one is up, else to the primary: reads that may lag slightly.</summary>
    public NpgsqlDataSource PreferStandby { get; }

    /// <summary>
    /// Every node of the connection string on its own (one small pool each), in connection-string order: for a rule that
    /// must know exactly which standby a read goes to and how far it has replayed (consistency tokens).
    /// </summary>
    public IReadOnlyList<DatabaseNode> Nodes { get; }

    /// <summary>Raised by <see cref="ForgetTopology"/>: whoever caches node state should check again before trusting it.</summary>
    public event Action? TopologyForgotten;

    /// <summary>
    /// Drops the pooled connections and what Npgsql believes about each host's role, so the next connection attempt
    /// asks every host again. Called after a failure that suggests the topology changed (a demoted primary answering
    /// 25006, a node shutting down, a lost connection): without it, Npgsql keeps using its cached roles until the
    /// recheck interval runs out, and idle pooled connections to a dead node fail one by one.
    /// </summary>
    public void ForgetTopology()
    {
        TopologyForgotten?.Invoke();
        _hosts.ClearDatabaseStates();
        _hosts.Clear();
        foreach (var node in Nodes)
        {
            node.DataSource.Clear();
        }
    }

    internal static ReplicatedDataSource Create(string name, ReplicatedDatabaseOptions options, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.HostRecheckSeconds = options.HostRecheckSeconds;
        builder.ConnectionStringBuilder.Timeout = options.ConnectTimeoutSeconds;
        builder.ConnectionStringBuilder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.Name = name;
        builder.UseLoggerFactory(loggerFactory);
        UsePasswordFile(builder, options);

        var hosts = builder.ConnectionStringBuilder.Host!.Split(',', StringSplitOptions.TrimEntries);
        // Validated at start-up (ReplicatedDatabaseOptionsValidator): no failures are left to report here.
        var regions = NodeRegions.Resolve(options.NodeRegions, hosts, builder.ConnectionStringBuilder.Port, "", []);
        var nodes = hosts
            .Select((host, index) =>
            {
                var single = new NpgsqlDataSourceBuilder(builder.ConnectionString);
                single.ConnectionStringBuilder.Host = host;
                single.Name = $"{name}@{host}";
                single.UseLoggerFactory(loggerFactory);
                UsePasswordFile(single, options);
                return new DatabaseNode(host, single.Build(), regions[index]);
            })
            .ToList();
        return new ReplicatedDataSource(builder.BuildMultiHost(), nodes, name, options.OwnerConnectionString);
    }

    private static void UsePasswordFile(NpgsqlDataSourceBuilder builder, ReplicatedDatabaseOptions options)
    {
        if (options.PasswordFile is { } path)
        {
            // Npgsql refuses a password provider beside a password: the file wins (the string's is for older releases).
            builder.ConnectionStringBuilder.Password = null;
            DatabasePasswordFile.Use(builder, path);
        }
    }

    public void Dispose()
    {
        _hosts.Dispose();
        foreach (var node in Nodes)
        {
            node.DataSource.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _hosts.DisposeAsync();
        foreach (var node in Nodes)
        {
            await node.DataSource.DisposeAsync();
        }
    }
}
