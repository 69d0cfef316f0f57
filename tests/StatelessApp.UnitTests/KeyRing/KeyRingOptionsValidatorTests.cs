using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Stack.Security;

namespace StatelessApp.UnitTests.KeyRing;

public sealed class KeyRingOptionsValidatorTests(KeyRingOptionsValidatorTests.CertificateFiles files)
    : IClassFixture<KeyRingOptionsValidatorTests.CertificateFiles>
{
    private readonly KeyRingOptionsValidator _development = Validator(Environments.Development);
    private readonly KeyRingOptionsValidator _production = Validator(Environments.Production);

    [Fact]
    public void Defaults_are_one_explicit_name_and_key_and_need_no_certificate_in_Development()
    {
        var defaults = new KeyRingOptions();

        Assert.Equal("StatelessApp", defaults.ApplicationName);
        Assert.Equal("StatelessApp:DataProtection-Keys", defaults.RedisKey);
        Assert.True(_development.Validate(null, defaults).Succeeded);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Outside_Development_the_certificate_is_required(string environment)
    {
        var result = Validator(environment).Validate(null, new KeyRingOptions());

        Assert.True(result.Failed);
        Assert.Contains("KeyRing:Certificate:Path must be set outside Development", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_RSA_certificate_with_its_key_in_a_separate_file_or_in_the_same_file_passes()
    {
        Assert.True(_production.Validate(null, WithCertificate(files.Rsa.CertificateFile, files.Rsa.KeyFile)).Succeeded);
        Assert.True(_production.Validate(null, WithCertificate(files.RsaCombined, keyPath: null, previous: files.RsaCombined)).Succeeded);
    }

    [Fact]
    public void A_missing_file_is_named_by_its_setting_and_no_content_is_quoted()
    {
        var missing = Path.Combine(files.Folder, "missing.crt");

        var current = _production.Validate(null, WithCertificate(missing, files.Rsa.KeyFile));
        var previous = _production.Validate(null, WithCertificate(files.Rsa.CertificateFile, files.Rsa.KeyFile, previous: missing));

        Assert.Contains($"KeyRing:Certificate:Path ({missing}, key {files.Rsa.KeyFile}) cannot be read", current.FailureMessage, StringComparison.Ordinal);
        Assert.Contains($"KeyRing:Certificate:PreviousPaths:0 ({missing}) cannot be read", previous.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", current.FailureMessage + previous.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_its_private_key_fails()
    {
        var result = _production.Validate(null, WithCertificate(files.Rsa.CertificateFile, keyPath: null));

        Assert.Contains("KeyRing:Certificate:Path", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("cannot be read as a certificate with its private key", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ECDSA_certificate_fails_because_EncryptedXml_takes_RSA_only()
    {
        var result = _production.Validate(null, WithCertificate(files.Ecdsa, keyPath: null));

        Assert.Contains($"KeyRing:Certificate:Path ({files.Ecdsa}) must be an RSA certificate", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_or_previous_certificates_without_a_current_certificate_fail_even_in_Development()
    {
        var options = new KeyRingOptions();
        options.Certificate.PreviousPaths.Add(files.RsaCombined);

        var result = _development.Validate(null, options);

        Assert.Contains("KeyRing:Certificate:Path must be set when KeyRing:Certificate:KeyPath or KeyRing:Certificate:PreviousPaths is", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_name_and_key_fail_naming_both_settings()
    {
        var result = _development.Validate(null, new KeyRingOptions { ApplicationName = "", RedisKey = " " });

        Assert.Contains("KeyRing:ApplicationName must be set", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("KeyRing:RedisKey must be set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "00:00:00.500", "KeyRing:RequiredReplicas must be 0")]
    [InlineData(1, "-00:00:01", "KeyRing:ReplicaAckTimeout must be positive")]
    public void Replica_confirmation_settings_are_checked(int replicas, string timeout, string expected)
    {
        var result = _development.Validate(null, new KeyRingOptions
        {
            RequiredReplicas = replicas,
            ReplicaAckTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private static KeyRingOptionsValidator Validator(string environment) =>
        new(new HostingEnvironment { EnvironmentName = environment });

    private static KeyRingOptions WithCertificate(string path, string? keyPath, string? previous = null)
    {
        var options = new KeyRingOptions();
        options.Certificate.Path = path;
        options.Certificate.KeyPath = keyPath;
        if (previous is not null)
        {
            options.Certificate.PreviousPaths.Add(previous);
        }

        return options;
    }

    /// <summary>An RSA certificate (separate and combined PEM) and an ECDSA one, made once for the class.</summary>
    public sealed class CertificateFiles : IDisposable
    {
        public CertificateFiles()
        {
            Folder = Directory.CreateTempSubdirectory("keyring-validator-").FullName;
            Rsa = new KeyRingCertificate(Path.Combine(Folder, "rsa.crt"), Path.Combine(Folder, "rsa.key"));
            KeyRingCertificate.Create(Rsa.CertificateFile, Rsa.KeyFile, "CN=validator");
            RsaCombined = Path.Combine(Folder, "rsa.pem");
            File.WriteAllText(RsaCombined, File.ReadAllText(Rsa.CertificateFile) + File.ReadAllText(Rsa.KeyFile));

            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var certificate = new CertificateRequest("CN=ecdsa", ecdsa, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            Ecdsa = Path.Combine(Folder, "ecdsa.pem");
            File.WriteAllText(Ecdsa, certificate.ExportCertificatePem() + "\n" + ecdsa.ExportPkcs8PrivateKeyPem() + "\n");
        }

        public string Folder { get; }

        public KeyRingCertificate Rsa { get; }

        public string RsaCombined { get; }

        public string Ecdsa { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
