using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// Turns on etcd's authentication once (user root with the generated password), so that only Patroni, holding the
/// password, can touch the leader key. Idempotent: a cluster that already accepts the password is left alone.
/// </summary>
public static class EtcdAuthentication
{
    public static async Task EnsureEnabledAsync(StackContext context, CancellationToken cancellationToken)
    {
        var endpoints = Etcdctl.AllEndpoints(context);
        // The password travels in the environment and on stdin, never on a command line (visible in ps).
        var asRoot = Etcdctl.AsRoot(context);
        var timeout = Etcdctl.Timeout;

        var check = await CommandRunner.RunAsync("etcdctl", [endpoints, "user", "get", "root"], timeout, asRoot, cancellationToken: cancellationToken);
        if (check.Succeeded)
        {
            return;
        }

        var add = await CommandRunner.RunAsync("etcdctl", [endpoints, "user", "add", "root", "--interactive=false"], timeout, Etcdctl.Anonymous(),
            standardInput: context.Secrets.EtcdRootPassword + "\n", cancellationToken: cancellationToken);
        if (!add.Succeeded && !add.Output.Contains("already exists", StringComparison.Ordinal))
        {
            throw new StackException("etcd: could not create the root user: " + LastLine(add.Output)
                + " (if the cluster was created with another ETCD_ROOT_PASSWORD, use `./stack up --fresh`)");
        }

        var enable = await CommandRunner.RunAsync("etcdctl", [endpoints, "auth", "enable"], timeout, asRoot, cancellationToken: cancellationToken);
        if (!enable.Succeeded)
        {
            throw new StackException("etcd: could not enable authentication: " + LastLine(enable.Output));
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
