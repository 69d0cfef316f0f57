using System.Security.Cryptography;
using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack;

/// <summary>
/// The stack's passwords. A variable set in the environment wins; otherwise the value saved in
/// .stack/secrets.env; otherwise a new random one, saved there (mode 600) so that restarts keep working.
/// Never committed, never printed (deploy/secrets.env.example documents the names).
/// </summary>
public sealed class StackSecrets
{
    public const string RedisAdminPasswordKey = "REDIS_ADMIN_PASSWORD";
    public const string RedisAppPasswordKey = "REDIS_APP_PASSWORD";
    public const string RedisReplicaPasswordKey = "REDIS_REPLICA_PASSWORD";
    public const string RedisSentinelPasswordKey = "REDIS_SENTINEL_PASSWORD";
    public const string PostgresSuperuserPasswordKey = "POSTGRES_SUPERUSER_PASSWORD";
    public const string PostgresReplicationPasswordKey = "POSTGRES_REPLICATION_PASSWORD";
    public const string ShopDbPasswordKey = "SHOP_DB_PASSWORD";
    public const string ShopOwnerDbPasswordKey = "SHOP_OWNER_DB_PASSWORD";
    public const string PostgresRewindPasswordKey = "POSTGRES_REWIND_PASSWORD";
    public const string PatroniRestPasswordKey = "PATRONI_REST_PASSWORD";
    public const string EtcdRootPasswordKey = "ETCD_ROOT_PASSWORD";
    public const string EtcdPatroniPasswordKey = "ETCD_PATRONI_PASSWORD";
    public const string RedisMonitorPasswordKey = "REDIS_MONITOR_PASSWORD";
    public const string PostgresMonitorPasswordKey = "POSTGRES_MONITOR_PASSWORD";

    public static readonly IReadOnlyList<string> Keys =
    [
        RedisAdminPasswordKey, RedisAppPasswordKey, RedisReplicaPasswordKey, RedisSentinelPasswordKey,
        PostgresSuperuserPasswordKey, PostgresReplicationPasswordKey, ShopDbPasswordKey, ShopOwnerDbPasswordKey,
        PostgresRewindPasswordKey, PatroniRestPasswordKey, EtcdRootPasswordKey, EtcdPatroniPasswordKey,
        RedisMonitorPasswordKey, PostgresMonitorPasswordKey,
    ];

    private readonly IReadOnlyDictionary<string, string> _values;

    private StackSecrets(IReadOnlyDictionary<string, string> values) => _values = values;

    /// <summary>Redis and Sentinel ACL user <c>admin</c>: the stack controller's probes and the operator.</summary>
    public string RedisAdminPassword => _values[RedisAdminPasswordKey];

    /// <summary>Redis and Sentinel ACL user <c>monitor</c>: the Redis exporters (INFO and little else, one password for both).</summary>
    public string RedisMonitorPassword => _values[RedisMonitorPasswordKey];

    /// <summary>PostgreSQL role <c>monitor</c> (pg_monitor, database postgres only): the PostgreSQL exporters.</summary>
    public string PostgresMonitorPassword => _values[PostgresMonitorPasswordKey];

    /// <summary>Redis and Sentinel ACL user <c>app</c> (one password for both: StackExchange.Redis sends the same credentials to each).</summary>
    public string RedisAppPassword => _values[RedisAppPasswordKey];

    /// <summary>Redis ACL user <c>replica</c>: a replica's link to its primary (masteruser/masterauth).</summary>
    public string RedisReplicaPassword => _values[RedisReplicaPasswordKey];

    /// <summary>Redis and Sentinel ACL user <c>sentinel</c>: Sentinel to Redis (auth-user/auth-pass) and Sentinel to Sentinel.</summary>
    public string RedisSentinelPassword => _values[RedisSentinelPasswordKey];

    public string PostgresSuperuserPassword => _values[PostgresSuperuserPasswordKey];

    public string PostgresReplicationPassword => _values[PostgresReplicationPasswordKey];

    /// <summary>The app instances' PostgreSQL role (shop: rows only).</summary>
    public string ShopDbPassword => _values[ShopDbPasswordKey];

    /// <summary>The schema owner's PostgreSQL role (shop_owner), for `migrate` only.</summary>
    public string ShopOwnerDbPassword => _values[ShopOwnerDbPasswordKey];

    /// <summary>Patroni's pg_rewind role (rewind): the superuser never logs in over the network.</summary>
    public string PostgresRewindPassword => _values[PostgresRewindPasswordKey];

    public string PatroniRestPassword => _values[PatroniRestPasswordKey];

    /// <summary>etcd's root: the stack controller (and an operator) only.</summary>
    public string EtcdRootPassword => _values[EtcdRootPasswordKey];

    /// <summary>Patroni's etcd user, whose role reaches only /service/&lt;scope&gt;/.</summary>
    public string EtcdPatroniPassword => _values[EtcdPatroniPasswordKey];

    /// <summary>Loads (or creates) the secrets; <paramref name="environment"/> defaults to the process environment.</summary>
    public static StackSecrets LoadOrCreate(string file, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var saved = File.Exists(file) ? SavedValues(file) : new Dictionary<string, string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var key in Keys)
        {
            var fromEnvironment = environment(key);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                values[key] = fromEnvironment;
                changed |= !saved.TryGetValue(key, out var old) || old != fromEnvironment;
            }
            else if (saved.TryGetValue(key, out var stored) && stored.Length > 0)
            {
                values[key] = stored;
            }
            else
            {
                values[key] = NewPassword();
                changed = true;
            }
        }

        if (changed)
        {
            Save(file, values);
        }

        return new StackSecrets(values);
    }

    /// <summary>
    /// These secrets with <paramref name="changed"/> replaced, saved to <paramref name="file"/> (`./stack rotate secrets`).
    /// Refuses a key set in the environment: it would win over the file at the next start.
    /// </summary>
    public StackSecrets With(IReadOnlyDictionary<string, string> changed, string file, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(changed);
        environment ??= Environment.GetEnvironmentVariable;
        if (changed.Keys.FirstOrDefault(k => !string.IsNullOrEmpty(environment(k))) is { } pinned)
        {
            throw new StackException($"{pinned} is set in the environment: unset it to rotate it (the environment wins over {file})");
        }

        var values = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        foreach (var (key, value) in changed)
        {
            values[key] = Keys.Contains(key) ? value : throw new ArgumentException($"unknown secret {key}", nameof(changed));
        }

        Save(file, values);
        return new StackSecrets(values);
    }

    /// <summary>
    /// 32 hex characters (128 bits): no character needs quoting in a connection string, a YAML file, a Redis
    /// config line or a shell word.
    /// </summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>KEY=VALUE lines, the value taken verbatim (a password set by hand may contain any character).</summary>
    private static Dictionary<string, string> SavedValues(string file) =>
        File.ReadAllLines(file)
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('=', StringComparison.Ordinal))
            .Select(line => (Key: line[..line.IndexOf('=', StringComparison.Ordinal)].Trim(), Value: line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    private static void Save(string file, Dictionary<string, string> values)
    {
        var lines = new List<string> { "# Generated by ./stack up (variables set in the environment win). Never commit this file." };
        lines.AddRange(Keys.Select(k => $"{k}={values[k]}"));
        FileModes.WritePrivate(file, string.Join('\n', lines) + "\n");
    }
}
