namespace StatelessApp.Hosting.Data;

/// <summary>
/// Settings of the replicated PostgreSQL connection, section <c>Database</c>. The hosts and credentials come from
/// <c>ConnectionStrings:{name}</c>; the timings here override whatever that connection string says about them, so one
/// place decides how fast the app notices a failover.
/// </summary>
public sealed class ReplicatedDatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Filled from <c>ConnectionStrings:{name}</c> (multi-host, no Target Session Attributes).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Suffix of the connection string <c>migrate</c> uses: <c>ConnectionStrings:{name}Owner</c>.</summary>
    public const string OwnerSuffix = "Owner";

    /// <summary>
    /// Filled from <c>ConnectionStrings:{name}Owner</c>: the role that owns the schema, used only by <c>migrate</c>, so
    /// the instances' role needs no right to change it (DML only). Unset, <c>migrate</c> uses <see cref="ConnectionString"/>
    /// (one role for everything: a development database). Give it to the migration job only, never to the instances.
    /// </summary>
    public string? OwnerConnectionString { get; set; }

    /// <summary>
    /// A file holding the password of <c>ConnectionStrings:{name}</c>'s role, read at every new physical connection, so
    /// rotating the role's password is ALTER ROLE and rewriting this file, with no restart. It wins over a Password in
    /// the connection string, which a release from before this setting still reads. Unset: the connection string's.
    /// </summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// The region of every host of the connection string, <c>"host[:port]=region,…"</c> (e.g.
    /// <c>"pg-a:5432=a,pg-b:5432=b"</c>), matched against <c>Instance:Region</c>: reads then go to a standby in the
    /// instance's own region first, else to the primary when it is in that region, else to a standby elsewhere
    /// (docs/consistency.md, "Where reads go"). Unset: regions are ignored (one host, or one region).
    /// </summary>
    public string? NodeRegions { get; set; }

    /// <summary>
    /// How long Npgsql trusts what it learnt about a host (primary, standby, offline). Small, so that reads return to a
    /// standby that came back and writes find a promoted primary quickly; each recheck costs one query per host.
    /// </summary>
    public int HostRecheckSeconds { get; set; } = 2;

    /// <summary>Per-host connect timeout: a dead host must not hold a request for long.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 3;

    public int CommandTimeoutSeconds { get; set; } = 15;

    /// <summary>Retries of a whole unit of work after a transient failure (role change, lost connection).</summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>Upper bound of the back-off between two attempts (the first retry is immediate).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a write that asks for it (<see cref="StandbyConfirmation{TContext}"/>, e.g. placing an order) waits for a
    /// standby to flush its commit before it fails with 503. Zero switches the confirmation off (a single server, or
    /// Patroni's synchronous_mode doing the job). Replication normally confirms within a few milliseconds.
    /// </summary>
    public TimeSpan StandbyConfirmationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Budget of one "postgres-primary" probe (open + SELECT 1).</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
