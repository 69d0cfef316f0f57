using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// Decrypts a key encrypted by <see cref="CertificateKeyEncryptor"/> with whichever configured certificate (current or
/// previous: UnprotectKeysWithAnyCertificate's behaviour) it was encrypted to. DataProtection creates it by type name,
/// through this constructor.
/// </summary>
internal sealed class CertificateKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var certificates = services.GetRequiredService<KeyRingCertificates>();

        // EncryptedXml cannot decrypt a document's root element: wrap it, as the stock decryptor does.
        var document = new XmlDocument();
        document.Load(new XElement("root", encryptedElement).CreateReader());
        new EncryptedXmlWithCertificates(document, certificates).DecryptDocument();
        return XElement.Load(document.DocumentElement!.FirstChild!.CreateNavigator()!.ReadSubtree());
    }

    /// <summary>Finds the session key's private key among the configured certificates, never in a machine store.</summary>
    private sealed class EncryptedXmlWithCertificates(XmlDocument document, KeyRingCertificates certificates) : EncryptedXml(document)
    {
        public override byte[]? DecryptEncryptedKey(EncryptedKey encryptedKey)
        {
            ArgumentNullException.ThrowIfNull(encryptedKey);
            foreach (var data in encryptedKey.KeyInfo.OfType<KeyInfoX509Data>())
            {
                foreach (var named in data.Certificates?.OfType<X509Certificate2>() ?? [])
                {
                    var certificate = certificates.Find(KeyRingCertificates.Thumbprint(named));
                    using var privateKey = certificate?.GetRSAPrivateKey();
                    if (privateKey is not null && encryptedKey.CipherData.CipherValue is { } cipher)
                    {
                        return DecryptKey(cipher, privateKey, encryptedKey.EncryptionMethod?.KeyAlgorithm == XmlEncRSAOAEPUrl);
                    }
                }
            }

            throw new CryptographicException(
                "The key is encrypted to a certificate that is neither KeyRing:Certificate:Path nor one of KeyRing:Certificate:PreviousPaths.");
        }
    }
}
