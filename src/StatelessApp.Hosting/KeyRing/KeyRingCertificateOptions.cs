namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// The RSA certificate that encrypts and signs the key ring (section "KeyRing:Certificate"). Required outside
/// Development: an unencrypted ring in Redis hands whoever reads Redis every cookie's key.
/// </summary>
public sealed class KeyRingCertificateOptions
{
    /// <summary>
    /// The current certificate: a PEM file (its private key in the same file or in <see cref="KeyPath"/>) or a PKCS#12
    /// file (.pfx, .p12) without a password. New keys are encrypted to it and signed with it.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>The current certificate's PKCS#8 PEM private key, when <see cref="Path"/> holds only the certificate.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// Certificates being retired (each a PEM file with certificate and key, or a .pfx/.p12): keys encrypted and signed
    /// with them are still read, never written.
    /// </summary>
    public IList<string> PreviousPaths { get; } = [];
}
