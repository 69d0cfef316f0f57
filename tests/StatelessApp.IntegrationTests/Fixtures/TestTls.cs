using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StatelessApp.Stack.Security;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// HTTPS for app instances under test: every cookie the app sets is Secure (a <c>__Host-</c> cookie), so a client's
/// cookie jar keeps and sends them only over HTTPS. One CA of this test run signs a certificate for 127.0.0.1 and
/// localhost; test clients trust that CA alone (<see cref="CaTrust"/>), as the stack's clients trust the stack's.
/// </summary>
public static class TestTls
{
    private static readonly Lazy<(X509Certificate2 Ca, X509Certificate2 Server)> Certificates = new(() =>
    {
        using var authority = CertificateAuthority.Create("StatelessApp test app CA");
        var server = authority.Issue("app-test", [IPAddress.Loopback], ["localhost"], CertificateUse.Server);
        return (X509CertificateLoader.LoadCertificate(authority.Root.RawData), server);
    });

    /// <summary>The certificate (with its key) an instance under test serves.</summary>
    public static X509Certificate2 ServerCertificate => Certificates.Value.Server;

    /// <summary>Accepts the test CA's certificates only.</summary>
    public static RemoteCertificateValidationCallback ServerValidator =>
        (_, certificate, _, errors) => CaTrust.IsTrusted(Certificates.Value.Ca, certificate, errors);

    /// <summary>A handler for an instance under test: trusts the test CA, no redirects followed, and the given cookies (or none).</summary>
    public static SocketsHttpHandler Handler(CookieContainer? cookies = null) => new()
    {
        UseCookies = cookies is not null,
        CookieContainer = cookies ?? new CookieContainer(),
        AllowAutoRedirect = false,
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ServerValidator },
    };
}
