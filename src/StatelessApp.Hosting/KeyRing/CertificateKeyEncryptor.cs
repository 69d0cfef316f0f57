using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// ProtectKeysWithCertificate's encryption (EncryptedXml to the current certificate), naming
/// <see cref="CertificateKeyDecryptor"/> as the decryptor: the stock decryptor finds its certificates in options that only
/// UnprotectKeysWithAnyCertificate can fill, at registration time, before the configured files are read and checked.
/// </summary>
internal sealed class CertificateKeyEncryptor(KeyRingCertificates certificates, ILoggerFactory loggers) : IXmlEncryptor
{
    private readonly CertificateXmlEncryptor _encryptor = new(certificates.Current, loggers);

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(_encryptor.Encrypt(plaintextElement).EncryptedElement, typeof(CertificateKeyDecryptor));
}
