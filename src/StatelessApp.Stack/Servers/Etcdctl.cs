using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// The arguments and environment every etcdctl call of the controller shares. etcdctl 3.4 reads every global flag
/// from an ETCDCTL_* variable as well: the password and the TLS files travel in the environment, never on a command
/// line (visible in ps).
/// </summary>
internal static class Etcdctl
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>"--endpoints=..." naming every member by its client URL (https with TLS on).</summary>
    public static string AllEndpoints(StackContext context) =>
        "--endpoints=" + string.Join(',', context.Topology.NodesOf(NodeKind.Etcd).Select(n => EtcdServer.ClientUrl(n, context)));

    /// <summary>As root, the stack controller's etcd user (an operator's too; never Patroni's).</summary>
    public static Dictionary<string, string> AsRoot(StackContext context) =>
        As(context, "root", context.Secrets.EtcdRootPassword);

    /// <summary>As <paramref name="user"/> with <paramref name="password"/>, over TLS with the controller's certificate.</summary>
    public static Dictionary<string, string> As(StackContext context, string user, string password)
    {
        var environment = Anonymous(context);
        environment["ETCDCTL_USER"] = user;
        environment["ETCDCTL_PASSWORD"] = password;
        return environment;
    }

    /// <summary>No etcd user (before authentication is on), still over TLS with the controller's certificate.</summary>
    public static Dictionary<string, string> Anonymous(StackContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["ETCDCTL_API"] = "3" };
        if (context.Tls)
        {
            var client = context.ControllerCertificate;
            environment["ETCDCTL_CACERT"] = context.Certificates.CaCertificateFile;
            environment["ETCDCTL_CERT"] = client.CertificateFile;
            environment["ETCDCTL_KEY"] = client.KeyFile;
        }

        return environment;
    }
}
