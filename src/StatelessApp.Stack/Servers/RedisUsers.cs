using System.Security.Cryptography;
using System.Text;
using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// The ACL users of the Redis nodes and the Sentinels (rights in deploy/redis/users.acl and deploy/redis/sentinel.conf):
/// their names, and the templates' password placeholders, filled with each password's SHA-256 so that no rendered file
/// holds a password it does not have to (only masterauth and Sentinel's auth-pass/sentinel-pass must be clear text).
/// </summary>
public static class RedisUsers
{
    /// <summary>The stack controller's probes and the operator.</summary>
    public const string Admin = "admin";

    /// <summary>The app, on the Redis nodes and on the Sentinels with the same password.</summary>
    public const string App = "app";

    /// <summary>A replica's link to its primary (masteruser).</summary>
    public const string Replica = "replica";

    /// <summary>The Redis exporters, on the Redis nodes and on the Sentinels with the same password.</summary>
    public const string Monitor = "monitor";

    /// <summary>Sentinel towards Redis (auth-user) and towards the other Sentinels (sentinel-user).</summary>
    public const string Sentinel = "sentinel";

    /// <summary>REDIS_ADMIN_PASSWORD_SHA256 etc.: the values of the templates' hashed-password placeholders.</summary>
    public static IReadOnlyDictionary<string, string> PasswordHashes(StackSecrets secrets) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [StackSecrets.RedisAdminPasswordKey + "_SHA256"] = Sha256(secrets.RedisAdminPassword),
        [StackSecrets.RedisAppPasswordKey + "_SHA256"] = Sha256(secrets.RedisAppPassword),
        [StackSecrets.RedisReplicaPasswordKey + "_SHA256"] = Sha256(secrets.RedisReplicaPassword),
        [StackSecrets.RedisSentinelPasswordKey + "_SHA256"] = Sha256(secrets.RedisSentinelPassword),
        [StackSecrets.RedisMonitorPasswordKey + "_SHA256"] = Sha256(secrets.RedisMonitorPassword),
    };

    /// <summary>
    /// Renders deploy/redis/users.acl into <paramref name="target"/> (mode 600). Redis refuses anything but `user` lines in
    /// an ACL file, so the template's comment lines are left out.
    /// </summary>
    public static void WriteAclFile(string template, string target, StackSecrets secrets)
    {
        var rendered = ConfigTemplate.Render(File.ReadAllText(template), PasswordHashes(secrets), template);
        var users = rendered.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'));
        FileModes.WritePrivate(target, string.Join('\n', users) + "\n");
    }

    /// <summary>The form an ACL rule takes for a password (`#` followed by this): lowercase hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Sha256(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
