using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StatelessApp.Stack.Processes;

namespace StatelessApp.Stack.Security;

/// <summary>
/// The RSA certificate that encrypts and signs the app's DataProtection key ring (KeyRing:Certificate:Path and
/// KeyPath): <c>keyring.crt</c> and <c>keyring.key</c> (PKCS#8 PEM), both mode 600 under the stack's tls folder,
/// created on first start and kept across restarts (a new one would leave the ring's keys unreadable).
/// </summary>
public sealed record KeyRingCertificate(string CertificateFile, string KeyFile)
{
    /// <summary>RSA: EncryptedXml, which DataProtection encrypts keys with, takes no other key type.</summary>
    private const int KeySize = 3072;

    /// <summary>Long enough never to lapse in a local stack; expiry is not checked on the key ring's certificates anyway.</summary>
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    /// <summary>The app's settings that point at this certificate (configuration form: "KeyRing:Certificate:Path").</summary>
    public IReadOnlyDictionary<string, string> AppSettings => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["KeyRing:Certificate:Path"] = CertificateFile,
        ["KeyRing:Certificate:KeyPath"] = KeyFile,
    };

    /// <summary>The certificate in <paramref name="folder"/>, created there first if missing.</summary>
    public static KeyRingCertificate LoadOrCreate(string folder)
    {
        var certificate = new KeyRingCertificate(Path.Combine(folder, "keyring.crt"), Path.Combine(folder, "keyring.key"));
        if (!File.Exists(certificate.CertificateFile) || !File.Exists(certificate.KeyFile))
        {
            Create(certificate.CertificateFile, certificate.KeyFile, "CN=StatelessApp key ring");
        }

        return certificate;
    }

    /// <summary>Writes a new self-signed RSA certificate and its key (both mode 600) to the two files.</summary>
    public static void Create(string certificateFile, string keyFile, string subject)
    {
        using var rsa = RSA.Create(KeySize);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + Validity);
        FileModes.WritePrivate(keyFile, rsa.ExportPkcs8PrivateKeyPem() + "\n");
        FileModes.WritePrivate(certificateFile, certificate.ExportCertificatePem() + "\n");
    }
}
