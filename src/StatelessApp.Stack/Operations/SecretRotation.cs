using System.Diagnostics;
using Npgsql;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// `./stack rotate secrets` on a live stack: new passwords for what the app instances log in with, the Redis ACL user
/// <c>app</c> (Redis nodes and Sentinels) and the PostgreSQL role <c>shop</c>. Redis holds two passwords for a user at
/// once: the new one is added, the instances are rolled (<see cref="AppRollout"/>) onto it, the old one is removed.
/// PostgreSQL has one password per role: it changes at once (ALTER ROLE with a SCRAM verifier, so the password is in no
/// statement), and the file the instances read it from at every new connection (Database:PasswordFile) is rewritten
/// right after, so the instances not yet rolled open new connections with it too. Passwords travel
/// as SHA-256 (Redis ACL) or SCRAM verifiers (PostgreSQL): never clear text on a command line or in a log.
/// </summary>
public sealed class SecretRotation(StackController controller, TextWriter output)
{
    private StackContext Context => controller.Context;

    /// <summary>The old passwords (for a check that they are refused now) and the rollout of the instances.</summary>
    public sealed record Rotated(string OldRedisAppPassword, string OldShopDbPassword, IReadOnlyList<InstanceRoll> Rollout, TimeSpan Total);

    public async Task<Rotated> RunAsync(CancellationToken cancellationToken)
    {
        var progress = new ProgressReporter(output);
        var total = Stopwatch.StartNew();
        var old = Context.Secrets;
        var redisApp = StackSecrets.NewPassword();
        var shop = StackSecrets.NewPassword();
        var redisNodes = RedisAndSentinels();
        // The instances restart on the release they run: only their secrets change (they come from Context.Secrets).
        var release = Context.Release ?? throw new StackException("no current release: run `./stack up` first");

        await progress.StepAsync($"Redis: user {RedisUsers.App} has a second password on {redisNodes.Count} Redis nodes and Sentinels", () =>
            AclAsync(redisNodes, ["ACL", "SETUSER", RedisUsers.App, "#" + RedisUsers.Sha256(redisApp)], cancellationToken));

        Context.Secrets = old.With(new Dictionary<string, string>
        {
            [StackSecrets.RedisAppPasswordKey] = redisApp,
            [StackSecrets.ShopDbPasswordKey] = shop,
        }, Context.Paths.SecretsFile);
        progress.Line($"new passwords saved in {Path.GetRelativePath(Context.Paths.RepositoryRoot, Context.Paths.SecretsFile)} (mode 600)");

        await progress.StepAsync("PostgreSQL: role shop has its new password (ALTER ROLE on the primary, a SCRAM verifier)", () => AlterRoleAsync("shop", shop, cancellationToken));
        // After ALTER ROLE, not before: if it fails, the file still holds the password the role has.
        Context.WriteShopDbPasswordFile();
        progress.Line($"the instances' password file rewritten ({Path.GetRelativePath(Context.Paths.RepositoryRoot, Context.Paths.ShopDbPasswordFile)}): their next connections use the new password");

        var primary = await controller.PrimaryAsync(NodeKind.Postgres, cancellationToken);
        var rollout = await progress.StepAsync("apps: rolled one at a time onto the new passwords", () =>
            new AppRollout(controller, output).RunAsync(RolloutOrder.For(controller.Topology, primary?.Region), new RolloutStart(release), cancellationToken));

        await progress.StepAsync($"Redis: user {RedisUsers.App}'s old password removed", () =>
            AclAsync(redisNodes, ["ACL", "SETUSER", RedisUsers.App, "!" + RedisUsers.Sha256(old.RedisAppPassword)], cancellationToken));
        progress.Line("secrets rotated");
        return new Rotated(old.RedisAppPassword, old.ShopDbPassword, rollout, total.Elapsed);
    }

    private List<Node> RedisAndSentinels() =>
        [.. controller.Topology.NodesOf(NodeKind.Redis), .. controller.Topology.NodesOf(NodeKind.Sentinel)];

    /// <summary>
    /// Runs an ACL change on every node and makes it survive a restart: a Redis node saves its ACL file (ACL SAVE; the next
    /// start renders it from the secrets anyway), a Sentinel rewrites its config, where its users live (SENTINEL FLUSHCONFIG).
    /// </summary>
    private async Task AclAsync(IReadOnlyList<Node> nodes, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        foreach (var node in nodes)
        {
            string[] persist = node.Kind == NodeKind.Sentinel ? ["SENTINEL", "FLUSHCONFIG"] : ["ACL", "SAVE"];
            foreach (var step in new[] { command, persist })
            {
                if (await RedisCli.RunAsync(Context, node, step, cancellationToken) is not { } answer || !answer.Trim().Equals("OK", StringComparison.Ordinal))
                {
                    throw new StackException($"{node.Name}: {step[0]} {step[1]} failed (is it running? `./stack status`)");
                }
            }
        }
    }

    private async Task AlterRoleAsync(string role, string password, CancellationToken cancellationToken)
    {
        var primary = await controller.PrimaryAsync(NodeKind.Postgres, cancellationToken) ?? throw new StackException("no PostgreSQL primary to change the role's password on");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PatroniServer.SuperuserConnectionString(primary, Context, "postgres")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // A verifier is not a password: the statement may be logged (log_min_error_statement) without giving one away.
        await using var alter = new NpgsqlCommand($"ALTER ROLE {role} PASSWORD '{ScramVerifier.For(password)}'", connection);
        await alter.ExecuteNonQueryAsync(cancellationToken);
    }
}
