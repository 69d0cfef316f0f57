using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Stack.Security;

namespace StatelessApp.UnitTests.Stack;

public sealed class KeyRingCertificateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stack-keyring-").FullName;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Is_created_once_owner_only_and_kept_across_starts()
    {
        var first = KeyRingCertificate.LoadOrCreate(_folder);
        var thumbprint = Thumbprint(first);
        var again = KeyRingCertificate.LoadOrCreate(_folder);

        Assert.Equal(first, again);
        Assert.Equal(thumbprint, Thumbprint(again));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.KeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.CertificateFile));
    }

    [Fact]
    public void Is_what_the_app_accepts_in_Production_through_the_settings_it_hands_the_app()
    {
        var certificate = KeyRingCertificate.LoadOrCreate(_folder);
        var options = new KeyRingOptions();
        options.Certificate.Path = certificate.AppSettings["KeyRing:Certificate:Path"];
        options.Certificate.KeyPath = certificate.AppSettings["KeyRing:Certificate:KeyPath"];

        var result = new KeyRingOptionsValidator(new HostingEnvironment { EnvironmentName = Environments.Production }).Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        using var loaded = X509Certificate2.CreateFromPemFile(certificate.CertificateFile, certificate.KeyFile);
        Assert.True(loaded.GetRSAPrivateKey()!.KeySize >= 3072);
    }

    private static string Thumbprint(KeyRingCertificate certificate)
    {
        using var loaded = X509CertificateLoader.LoadCertificateFromFile(certificate.CertificateFile);
        return loaded.Thumbprint;
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
