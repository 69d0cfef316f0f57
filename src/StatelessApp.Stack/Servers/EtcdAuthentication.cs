using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Turns on etcd's authentication once (user root with the generated password, the controller's alone) and gives
/// Patroni a user of its own, <see cref="PatroniUser"/>, whose role may read and write the keys under
/// /service/&lt;scope&gt;/ and nothing else. Idempotent: run on every `up`; the patroni user's password is set again.
/// </summary>
public static class EtcdAuthentication
{
    public const string PatroniUser = "patroni";

    /// <summary>Patroni's keys: its namespace (/service, Patroni's default) and the cluster's scope.</summary>
    public static string PatroniPrefix(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"/service/{context.Topology.PatroniScope}/";
    }

    public static async Task EnsureEnabledAsync(StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoints = Etcdctl.AllEndpoints(context);
        var asRoot = Etcdctl.AsRoot(context);
        var timeout = Etcdctl.Timeout;

        var check = await CommandRunner.RunAsync("etcdctl", [endpoints, "user", "get", "root"], timeout, asRoot, cancellationToken: cancellationToken);
        if (!check.Succeeded)
        {
            // Passwords go on stdin (--interactive=false reads one line), never on a command line.
            var add = await CommandRunner.RunAsync("etcdctl", [endpoints, "user", "add", "root", "--interactive=false"], timeout, Etcdctl.Anonymous(context),
                standardInput: context.Secrets.EtcdRootPassword + "\n", cancellationToken: cancellationToken);
            if (!add.Succeeded && !add.Output.Contains("already exists", StringComparison.Ordinal))
            {
                throw new StackException("etcd: could not create the root user: " + LastLine(add.Output)
                    + " (if the cluster was created with another ETCD_ROOT_PASSWORD, use `./stack up --fresh`)");
            }

            await RunAsRootAsync(context, "enable authentication", [endpoints, "auth", "enable"], null, cancellationToken);
        }

        await EnsurePatroniUserAsync(context, endpoints, cancellationToken);
    }

    private static async Task EnsurePatroniUserAsync(StackContext context, string endpoints, CancellationToken cancellationToken)
    {
        var asRoot = Etcdctl.AsRoot(context);
        var role = await CommandRunner.RunAsync("etcdctl", [endpoints, "role", "get", PatroniUser], Etcdctl.Timeout, asRoot, cancellationToken: cancellationToken);
        if (!role.Succeeded)
        {
            await RunAsRootAsync(context, "create the patroni role", [endpoints, "role", "add", PatroniUser], null, cancellationToken);
        }

        // Granting again what the role already has changes nothing.
        await RunAsRootAsync(context, "limit the patroni role to its prefix",
            [endpoints, "role", "grant-permission", PatroniUser, "readwrite", PatroniPrefix(context), "--prefix=true"], null, cancellationToken);

        var user = await CommandRunner.RunAsync("etcdctl", [endpoints, "user", "get", PatroniUser], Etcdctl.Timeout, asRoot, cancellationToken: cancellationToken);
        await RunAsRootAsync(context, user.Succeeded ? "set the patroni user's password" : "create the patroni user",
            user.Succeeded ? [endpoints, "user", "passwd", PatroniUser, "--interactive=false"] : [endpoints, "user", "add", PatroniUser, "--interactive=false"],
            context.Secrets.EtcdPatroniPassword + "\n", cancellationToken);
        await RunAsRootAsync(context, "give the patroni user its role", [endpoints, "user", "grant-role", PatroniUser, PatroniUser], null, cancellationToken);
    }

    private static async Task RunAsRootAsync(StackContext context, string what, IReadOnlyList<string> arguments, string? standardInput, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync("etcdctl", arguments, Etcdctl.Timeout, Etcdctl.AsRoot(context), standardInput, cancellationToken: cancellationToken);
        if (!result.Succeeded && !result.Output.Contains("already", StringComparison.Ordinal))
        {
            throw new StackException($"etcd: could not {what}: {LastLine(result.Output)}");
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
