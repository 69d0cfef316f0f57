using System.Security.Cryptography.X509Certificates;
using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

public sealed class ProxyServerTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stack-proxy-server-").FullName;

    [Fact]
    public void A_proxy_serves_HTTPS_with_its_certificate_redirects_on_the_HTTP_port_and_checks_the_apps_against_the_CA()
    {
        using var context = Context();
        var proxy = context.Topology.Node("proxy-a");

        var environment = new HaproxyServer().Launch(proxy, context).Environment;

        Assert.Equal("127.1.0.10:8443", environment["PROXY_BIND"]);
        Assert.Equal("127.1.0.10:8080", environment["PROXY_HTTP_BIND"]);
        Assert.Equal("8443", environment["PROXY_HTTPS_PORT"]);
        Assert.Equal(context.Certificates.For(proxy).CertificateFile, environment["PROXY_TLS_CERT"]);
        Assert.Equal(context.Certificates.For(proxy).KeyFile, environment["PROXY_TLS_KEY"]);
        Assert.Equal(context.Certificates.CaCertificateFile, environment["PROXY_TLS_CA"]);
        Assert.Equal("apps.stateless.test", environment["APP_TLS_NAME"]);
        Assert.Equal("127.1.0.11:5443", environment["LOCAL_APP1"]);
        Assert.Equal("127.2.0.12:5443", environment["REMOTE_APP2"]);
        // HAProxy 2.6 finds the key beside the certificate (ssl-load-extra-del-ext): same name, .key.
        Assert.Equal(Path.ChangeExtension(environment["PROXY_TLS_CERT"], ".key"), environment["PROXY_TLS_KEY"]);
    }

    [Fact]
    public void Every_app_certificate_carries_the_name_the_proxies_check_and_no_other_node_does()
    {
        using var context = Context();

        foreach (var node in context.Topology.Nodes)
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(context.Certificates.For(node).CertificateFile));
            var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();

            Assert.Equal(node.Kind == NodeKind.App, names.Contains(context.Topology.AppTlsName));
        }
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private StackContext Context()
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        return new StackContext(StackTopology.Load(paths.TopologyFile), paths, StackSecrets.LoadOrCreate(paths.SecretsFile, _ => null),
            HostTools.Discover(), ProxyKind.Haproxy);
    }
}
