using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// Signs every element it stores with the current certificate's private key and hands DataProtection only the elements
/// signed by a configured certificate (current or previous). Encryption alone does not stop a forged key: the
/// certificate (public part) travels inside every encrypted key, so whoever can write to Redis could encrypt a key of
/// their own to it; without the private key they cannot sign it, and an unsigned key is never read.
/// </summary>
/// <remarks>
/// Stored form: <c>&lt;signedElement signer="SHA-256 thumbprint" signature="RSA-PSS SHA-256"&gt;the element's XML as
/// text&lt;/signedElement&gt;</c>. The signature covers those exact characters, so no XML canonicalization is needed.
/// </remarks>
internal sealed class SignedXmlRepository(IXmlRepository inner, KeyRingCertificates certificates, ILogger logger) : IXmlRepository
{
    public const string EnvelopeName = "signedElement";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var accepted = new List<XElement>();
        foreach (var stored in inner.GetAllElements())
        {
            var refusal = Open(stored, out var element);
            if (element is not null)
            {
                accepted.Add(element);
            }
            else
            {
                KeyRingLog.ElementRefused(logger, stored.Attribute("id")?.Value ?? "(no id)", refusal);
            }
        }

        return accepted;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var text = element.ToString(SaveOptions.DisableFormatting);
        using var rsa = certificates.Current.GetRSAPrivateKey()!;
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        inner.StoreElement(
            new XElement(EnvelopeName,
                new XAttribute("signer", KeyRingCertificates.Thumbprint(certificates.Current)),
                new XAttribute("signature", Convert.ToBase64String(signature)),
                text),
            friendlyName);
    }

    /// <summary>The signed element inside <paramref name="stored"/>, or null and why it is refused.</summary>
    private string Open(XElement stored, out XElement? element)
    {
        element = null;
        if (stored.Name != EnvelopeName)
        {
            return $"unsigned <{stored.Name.LocalName}> element";
        }

        var signer = stored.Attribute("signer")?.Value;
        var certificate = signer is null ? null : certificates.Find(signer);
        if (certificate is null)
        {
            return "signed by a certificate that is not configured";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(stored.Attribute("signature")?.Value ?? "");
        }
        catch (FormatException)
        {
            return "malformed signature";
        }

        using var rsa = certificate.GetRSAPublicKey()!;
        if (!rsa.VerifyData(Encoding.UTF8.GetBytes(stored.Value), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss))
        {
            return "signature does not match";
        }

        try
        {
            element = XElement.Parse(stored.Value);
            return "";
        }
        catch (XmlException)
        {
            return "signed content is not XML";
        }
    }
}
