using System.Net;
using System.Security.Cryptography.X509Certificates;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Security;

namespace StatelessApp.TestKit.Postgres;

/// <summary>
/// Makes a test cluster speak TLS only, as deploy/patroni/patroni.yml does on the stack: ssl on with a certificate for
/// 127.0.0.1 signed by a CA of the test's own, and pg_hba lines for TCP that accept TLS connections only (hostssl).
/// </summary>
public static class PostgresTls
{
    /// <summary>Turns TLS on for every node of <paramref name="cluster"/> and returns the CA file that verifies them.</summary>
    public static async Task<string> RequireTlsAsync(this PostgresCluster cluster, string folder)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        using var authority = CertificateAuthority.Create("StatelessApp test PostgreSQL CA");
        using var server = authority.Issue("postgres-test", [IPAddress.Loopback], ["localhost"], CertificateUse.Server);
        var caFile = Path.Combine(folder, "postgres-ca.crt");
        await File.WriteAllTextAsync(caFile, authority.Root.ExportCertificatePem() + "\n");

        foreach (var node in new[] { cluster.Primary, cluster.Standby }.Concat(cluster.ExtraStandbys))
        {
            // In the data folder, owned by postgres with mode 600: PostgreSQL refuses a key others can read.
            var certificate = Path.Combine(node.DataDirectory, "server.crt");
            var key = Path.Combine(node.DataDirectory, "server.key");
            await File.WriteAllTextAsync(certificate, server.ExportCertificatePem() + "\n");
            await File.WriteAllTextAsync(key, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
            FileModes.Set(key, FileModes.OwnerReadWrite);
            await PostgresCommands.ChownToPostgresAsync(certificate);
            await PostgresCommands.ChownToPostgresAsync(key);
            // The Unix socket stays open to the fixture (trust); TCP only with TLS.
            await File.WriteAllTextAsync(Path.Combine(node.DataDirectory, "pg_hba.conf"),
                """
                local all all trust
                local replication all trust
                hostssl all all 127.0.0.1/32 scram-sha-256
                """ + "\n");
            await PostgresCluster.AdminScalarAsync(node, "ALTER SYSTEM SET ssl = on");
            await PostgresCluster.AdminScalarAsync(node, "SELECT pg_reload_conf()");
            await Polling.Poll.UntilAsync($"ssl on {node.Name}", _ => PostgresCluster.AdminScalarAsync(node, "SHOW ssl"),
                shown => shown as string == "on", TimeSpan.FromSeconds(10));
        }

        return caFile;
    }
}
