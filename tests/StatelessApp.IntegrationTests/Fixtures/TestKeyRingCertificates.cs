using StatelessApp.Stack.Security;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// Key ring certificates for app instances under test (outside Development the key ring requires one), made by the
/// local stack's own generator in a folder of this test run.
/// </summary>
public static class TestKeyRingCertificates
{
    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("keyring-certificates-").FullName);

    private static readonly Lazy<KeyRingCertificate> SharedCertificate = new(() => Create("shared"));

    /// <summary>The certificate every instance of this test run uses unless a test gives another.</summary>
    public static KeyRingCertificate Shared => SharedCertificate.Value;

    /// <summary><see cref="Shared"/>'s settings, in the form of the other test settings.</summary>
    public static IReadOnlyDictionary<string, string?> SharedSettings => Settings(Shared);

    /// <summary>The settings that make an instance use <paramref name="certificate"/> (and <paramref name="previous"/> to read older keys).</summary>
    public static IReadOnlyDictionary<string, string?> Settings(KeyRingCertificate certificate, params KeyRingCertificate[] previous)
    {
        var settings = certificate.AppSettings.ToDictionary(setting => setting.Key, string? (setting) => setting.Value);
        for (var i = 0; i < previous.Length; i++)
        {
            settings[$"KeyRing:Certificate:PreviousPaths:{i}"] = Combined(previous[i]);
        }

        return settings;
    }

    /// <summary>A new certificate, distinct from every other of this run.</summary>
    public static KeyRingCertificate Create(string name)
    {
        var folder = Path.Combine(Folder.Value, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        var certificate = new KeyRingCertificate(Path.Combine(folder, "keyring.crt"), Path.Combine(folder, "keyring.key"));
        KeyRingCertificate.Create(certificate.CertificateFile, certificate.KeyFile, $"CN={name}");
        return certificate;
    }

    /// <summary>Certificate and key in one PEM file: the form a previous certificate is given in.</summary>
    private static string Combined(KeyRingCertificate certificate)
    {
        var file = Path.ChangeExtension(certificate.CertificateFile, ".pem");
        if (!File.Exists(file))
        {
            File.WriteAllText(file, File.ReadAllText(certificate.CertificateFile) + File.ReadAllText(certificate.KeyFile));
        }

        return file;
    }
}
