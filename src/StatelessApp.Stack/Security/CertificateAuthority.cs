using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatelessApp.Stack.Security;

/// <summary>
/// A private certificate authority: an ECDSA P-256 root that signs the stack's server and client certificates. Made with
/// .NET's <see cref="CertificateRequest"/> alone, so nothing is downloaded and no openssl command line carries a key.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan RootLifetime = TimeSpan.FromDays(3650);

    // Under 398 days: the longest validity TLS clients accept for a leaf certificate.
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(397);

    // Backdated so that a clock a little behind on another process does not reject a certificate just made.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;

    private CertificateAuthority(X509Certificate2 root, TimeProvider time)
    {
        Root = root;
        _time = time;
    }

    /// <summary>The root certificate, with its private key.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>A new root named <paramref name="name"/>.</summary>
    public static CertificateAuthority Create(string name, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        return new CertificateAuthority(request.CreateSelfSigned(now - ClockSkew, now + RootLifetime), time);
    }

    /// <summary>The root saved as PEM certificate and PEM private key.</summary>
    public static CertificateAuthority Load(string certificateFile, string keyFile, TimeProvider? time = null) =>
        new(X509Certificate2.CreateFromPemFile(certificateFile, keyFile), time ?? TimeProvider.System);

    /// <summary>
    /// A leaf certificate for <paramref name="subject"/>, valid for the given addresses and DNS names (subject alternative
    /// names, what TLS clients check), usable for TLS servers, clients, or both.
    /// </summary>
    public X509Certificate2 Issue(string subject, IEnumerable<IPAddress> addresses, IEnumerable<string> dnsNames, CertificateUse use)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={subject}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(Purposes(use), critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        foreach (var dnsName in dnsNames)
        {
            names.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(names.Build(critical: false));
        var now = _time.GetUtcNow();
        var notAfter = now + LeafLifetime < Root.NotAfter ? now + LeafLifetime : new DateTimeOffset(Root.NotAfter);
        using var issued = request.Create(Root, now - ClockSkew, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    private static OidCollection Purposes(CertificateUse use)
    {
        var purposes = new OidCollection();
        if (use.HasFlag(CertificateUse.Server))
        {
            purposes.Add(new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"));
        }

        if (use.HasFlag(CertificateUse.Client))
        {
            purposes.Add(new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication"));
        }

        return purposes;
    }

    public void Dispose() => Root.Dispose();
}
