using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// The key ring's certificates, loaded from the files <see cref="KeyRingCertificateOptions"/> names: the current one
/// (encrypts and signs new keys) first, then the previous ones (still decrypt and verify older keys).
/// </summary>
internal sealed class KeyRingCertificates : IDisposable
{
    private const string Setting = KeyRingOptions.SectionName + ":Certificate";

    private const int MinimumKeySize = 2048;

    private KeyRingCertificates(IReadOnlyList<X509Certificate2> all) => All = all;

    /// <summary>The current certificate.</summary>
    public X509Certificate2 Current => All[0];

    /// <summary>The current certificate, then the previous ones.</summary>
    public IReadOnlyList<X509Certificate2> All { get; }

    /// <summary>The certificate whose SHA-256 thumbprint is <paramref name="thumbprint"/>, if it is one of <see cref="All"/>.</summary>
    public X509Certificate2? Find(string thumbprint) =>
        All.FirstOrDefault(certificate => string.Equals(Thumbprint(certificate), thumbprint, StringComparison.OrdinalIgnoreCase));

    public static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>
    /// Loads the configured certificates, or null and the problems, each naming its setting (never a file's content).
    /// Null without problems when no certificate is configured.
    /// </summary>
    public static KeyRingCertificates? Load(KeyRingCertificateOptions options, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var loaded = new List<X509Certificate2>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            if (!string.IsNullOrWhiteSpace(options.KeyPath) || options.PreviousPaths.Count > 0)
            {
                failures.Add($"{Setting}:Path must be set when {Setting}:KeyPath or {Setting}:PreviousPaths is (the current certificate encrypts new keys).");
            }
        }
        else
        {
            Add(loaded, failures, $"{Setting}:Path", options.Path, options.KeyPath);
            for (var i = 0; i < options.PreviousPaths.Count; i++)
            {
                Add(loaded, failures, $"{Setting}:PreviousPaths:{i}", options.PreviousPaths[i], keyPath: null);
            }
        }

        problems = failures;
        if (failures.Count > 0 || loaded.Count == 0)
        {
            loaded.ForEach(certificate => certificate.Dispose());
            return null;
        }

        return new KeyRingCertificates(loaded);
    }

    public void Dispose()
    {
        foreach (var certificate in All)
        {
            certificate.Dispose();
        }
    }

    private static void Add(List<X509Certificate2> loaded, List<string> failures, string setting, string path, string? keyPath)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = Path.GetExtension(path).ToUpperInvariant() is ".PFX" or ".P12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password: null)
                : X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(keyPath) ? null : keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // The exception's type only: a parser's message may quote the file.
            failures.Add($"{setting} ({path}{(string.IsNullOrWhiteSpace(keyPath) ? "" : ", key " + keyPath)}) cannot be read as a certificate with its private key ({e.GetType().Name}).");
            return;
        }

        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            failures.Add($"{setting} ({path}) must be an RSA certificate with its private key (EncryptedXml encrypts key rings to RSA only).");
            certificate.Dispose();
            return;
        }

        if (rsa.KeySize < MinimumKeySize)
        {
            failures.Add($"{setting} ({path}) must have an RSA key of at least {MinimumKeySize} bits (has {rsa.KeySize}).");
            certificate.Dispose();
            return;
        }

        loaded.Add(certificate);
    }
}
