using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Stack.Security;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.KeyRing;

/// <summary>
/// The key ring in the real Redis: encrypted to the certificate and signed with it, read with a previous certificate
/// during a rotation, its first key created once by <c>migrate</c>, and keys pushed by whoever can write to Redis ignored.
/// </summary>
public sealed class KeyRingProtectionTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Purpose = "key-ring-tests";

    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";

    [Fact]
    public async Task Keys_in_Redis_carry_no_plaintext_master_key_only_EncryptedXml_signed_by_the_certificate()
    {
        var settings = Ring("encrypted-ring");
        await using var app = await SessionTestApp.StartAsync(redis, settings);
        (await app.CreateClient(new Browser()).PostAsync("/signin/alice", null)).EnsureSuccessStatusCode();

        var stored = await StoredAsync("encrypted-ring");

        var key = Assert.Single(stored);
        Assert.DoesNotContain("masterKey", key, StringComparison.Ordinal);
        Assert.Contains("EncryptedData", key, StringComparison.Ordinal);
        var envelope = XElement.Parse(key);
        Assert.Equal(SignedXmlRepository.EnvelopeName, envelope.Name.LocalName);
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(TestKeyRingCertificates.Shared.CertificateFile);
        Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), envelope.Attribute("signer")?.Value);
    }

    [Fact]
    public async Task A_ring_protected_with_certificate_A_is_read_by_an_instance_that_has_A_only_as_a_previous_certificate()
    {
        var a = TestKeyRingCertificates.Create("rotation-a");
        var b = TestKeyRingCertificates.Create("rotation-b");
        var browser = new Browser();
        await using (var beforeRotation = await SessionTestApp.StartAsync(redis, Ring("rotated-ring", TestKeyRingCertificates.Settings(a))))
        {
            (await beforeRotation.CreateClient(browser).PostAsync("/signin/alice", null)).EnsureSuccessStatusCode();
        }

        await using var afterRotation = await SessionTestApp.StartAsync(redis, Ring("rotated-ring", TestKeyRingCertificates.Settings(b, a)));
        await using var withoutA = await SessionTestApp.StartAsync(redis, Ring("rotated-ring", TestKeyRingCertificates.Settings(b)), migrate: false);

        Assert.Equal("alice", await afterRotation.CreateClient(browser).GetStringAsync("/whoami"));
        Assert.Equal("anonymous", await withoutA.CreateClient(browser).GetStringAsync("/whoami")); // control: A is what reads it
    }

    [Fact]
    public async Task Four_instances_started_at_once_on_an_empty_ring_after_migrate_share_exactly_one_key()
    {
        var settings = Ring("four-instances-ring");
        Assert.True(await SessionTestApp.MigrateKeyRingAsync(redis, settings));

        var instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SessionTestApp.StartAsync(redis, settings, migrate: false)));
        try
        {
            // Each signs a user in, and the next instance must read the cookie: one key, known to all.
            for (var i = 0; i < instances.Length; i++)
            {
                var browser = new Browser();
                (await instances[i].CreateClient(browser).PostAsync($"/signin/user{i}", null)).EnsureSuccessStatusCode();
                Assert.Equal($"user{i}", await instances[(i + 1) % instances.Length].CreateClient(browser).GetStringAsync("/whoami"));
            }

            Assert.Single(await StoredAsync("four-instances-ring"));
            Assert.DoesNotContain(instances.SelectMany(instance => instance.Logs.Lines),
                line => line.Message.Contains("was not found in the key ring", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Without_migrate_an_instance_creates_no_first_key_and_says_to_run_migrate()
    {
        var settings = Ring("never-migrated-ring");
        await using var instance = await SessionTestApp.StartAsync(redis, settings, migrate: false);
        var protector = instance.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

        var refused = Assert.ThrowsAny<Exception>(() => protector.Protect([1, 2, 3]));

        Assert.Contains(Chain(refused), e => e is KeyRingEmptyException);
        Assert.Empty(await StoredAsync("never-migrated-ring"));
        Assert.Contains(instance.Logs.Lines, line => line.Message.Contains("does not create the first one: run 'migrate'", StringComparison.Ordinal));
    }

    public enum PushedKey
    {
        /// <summary>A plain key, master key in clear, as DataProtection writes it without a certificate.</summary>
        Unencrypted,

        /// <summary>Encrypted to the ring's own certificate, whose public part every stored key carries: decryptable, unsigned.</summary>
        EncryptedToTheRingsCertificate,

        /// <summary>Encrypted to the pusher's own certificate.</summary>
        EncryptedToAnotherCertificate,

        /// <summary>Wrapped as a signed element naming the ring's certificate, signed with another key.</summary>
        ForgedSignature,
    }

    [Theory]
    [InlineData(PushedKey.Unencrypted)]
    [InlineData(PushedKey.EncryptedToTheRingsCertificate)]
    [InlineData(PushedKey.EncryptedToAnotherCertificate)]
    [InlineData(PushedKey.ForgedSignature)]
    public async Task A_key_pushed_into_the_ring_without_the_certificate_is_never_used(PushedKey pushed)
    {
        var ring = $"pushed-{pushed}-ring";
        var settings = Ring(ring);
        Assert.True(await SessionTestApp.MigrateKeyRingAsync(redis, settings));
        var ours = XElement.Parse(Assert.Single(await StoredAsync(ring)));

        // The pusher makes a key of their own (they know its master key), protects a payload with it, and pushes it.
        var (attackerKey, forged) = AttackerKeyAndPayload();
        var element = PushedElement(pushed, attackerKey);
        await (await redis.DatabaseAsync()).ListRightPushAsync(ring, element.ToString(SaveOptions.DisableFormatting));

        await using var instance = await SessionTestApp.StartAsync(redis, settings, migrate: false);
        var protector = instance.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var usedKey = new Guid(protector.Protect([1, 2, 3]).AsSpan(4, 16));
        var answer = Record.Exception(() => protector.Unprotect(forged));

        var refused = answer is CryptographicException && usedKey == OurKeyId(ours);
        SecurityAttempts.Record(
            "key ring in Redis",
            $"push a key ({Describe(pushed)}), send a payload protected with it",
            answer is null
                ? "payload accepted"
                : $"{answer.GetType().Name}: its key is not in the ring (ignored); new payloads use {(usedKey == OurKeyId(ours) ? "migrate's key" : "the pushed key")}",
            refused);
        Assert.True(refused, $"used key {usedKey}, ours {OurKeyId(ours)}; unprotect: {answer?.Message ?? "accepted"}");
        Assert.Contains(instance.Logs.Lines, line => line.Message.StartsWith("Key ring element", StringComparison.Ordinal)
            && line.Message.Contains("ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_encrypted_to_the_rings_certificate_by_someone_without_its_private_key_does_decrypt_so_only_the_signature_stops_it()
    {
        // The control for PushedKey.EncryptedToTheRingsCertificate: encryption alone would have let it in.
        var (attackerKey, _) = AttackerKeyAndPayload();
        using var publicOnly = X509CertificateLoader.LoadCertificateFromFile(TestKeyRingCertificates.Shared.CertificateFile);
        var encrypted = EncryptSecret(attackerKey, publicOnly);
        var services = new ServiceCollection().AddSingleton(KeyRingCertificates.Load(Certificate(TestKeyRingCertificates.Shared), out _)!).BuildServiceProvider();

        var secret = encrypted.Descendants(DataProtectionNamespace + "encryptedSecret").Single().Elements().Single();
        var decrypted = new CertificateKeyDecryptor(services).Decrypt(secret);

        Assert.Equal("masterKey", decrypted.Name.LocalName);
    }

    private static Dictionary<string, string?> Ring(string redisKey, IReadOnlyDictionary<string, string?>? certificate = null) =>
        new(certificate ?? TestKeyRingCertificates.SharedSettings) { ["KeyRing:RedisKey"] = redisKey };

    private async Task<string[]> StoredAsync(string ring) =>
        (await (await redis.DatabaseAsync()).ListRangeAsync(ring)).Select(value => value.ToString()).ToArray();

    private static Guid OurKeyId(XElement envelope) => Guid.Parse(XElement.Parse(envelope.Value).Attribute("id")!.Value);

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    /// <summary>A key made by a DataProtection of the same application name but no certificate, and a payload protected with it.</summary>
    private static (XElement Key, byte[] Payload) AttackerKeyAndPayload()
    {
        var captured = new CapturingRepository();
        using var services = new ServiceCollection()
            .AddDataProtection()
            .SetApplicationName(new KeyRingOptions().ApplicationName)
            .AddKeyManagementOptions(options => options.XmlRepository = captured)
            .Services.BuildServiceProvider();
        var payload = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect(Encoding.UTF8.GetBytes("forged"));
        return (captured.Elements.Single(), payload);
    }

    private static XElement PushedElement(PushedKey pushed, XElement attackerKey)
    {
        switch (pushed)
        {
            case PushedKey.Unencrypted:
                return attackerKey;
            case PushedKey.EncryptedToTheRingsCertificate:
            {
                using var publicOnly = X509CertificateLoader.LoadCertificateFromFile(TestKeyRingCertificates.Shared.CertificateFile);
                return EncryptSecret(attackerKey, publicOnly);
            }

            case PushedKey.EncryptedToAnotherCertificate:
            {
                var other = TestKeyRingCertificates.Create("pusher");
                using var publicOnly = X509CertificateLoader.LoadCertificateFromFile(other.CertificateFile);
                return EncryptSecret(attackerKey, publicOnly);
            }

            default:
            {
                using var ringCertificate = X509CertificateLoader.LoadCertificateFromFile(TestKeyRingCertificates.Shared.CertificateFile);
                using var otherKey = RSA.Create(2048);
                var text = attackerKey.ToString(SaveOptions.DisableFormatting);
                var signature = otherKey.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
                return new XElement(SignedXmlRepository.EnvelopeName,
                    new XAttribute("signer", ringCertificate.GetCertHashString(HashAlgorithmName.SHA256)),
                    new XAttribute("signature", Convert.ToBase64String(signature)),
                    text);
            }
        }
    }

    /// <summary>What DataProtection's XML encryption does to a key's secret, with only a certificate's public part.</summary>
    private static XElement EncryptSecret(XElement key, X509Certificate2 publicOnly)
    {
        var copy = new XElement(key);
        var secret = copy.Descendants().Single(element => element.Attribute(DataProtectionNamespace + "requiresEncryption") is not null);
        var encrypted = new CertificateXmlEncryptor(publicOnly, NullLoggerFactory.Instance).Encrypt(new XElement(secret));
        secret.ReplaceWith(new XElement(DataProtectionNamespace + "encryptedSecret",
            new XAttribute("decryptorType", typeof(CertificateKeyDecryptor).AssemblyQualifiedName!),
            encrypted.EncryptedElement));
        return copy;
    }

    private static string Describe(PushedKey pushed) => pushed switch
    {
        PushedKey.Unencrypted => "plain XML, master key in clear",
        PushedKey.EncryptedToTheRingsCertificate => "encrypted to the ring's own certificate, unsigned",
        PushedKey.EncryptedToAnotherCertificate => "encrypted to another certificate",
        _ => "signature claiming the ring's certificate, made with another key",
    };

    private static KeyRingCertificateOptions Certificate(KeyRingCertificate files) =>
        new() { Path = files.CertificateFile, KeyPath = files.KeyFile };

    private sealed class CapturingRepository : IXmlRepository
    {
        public List<XElement> Elements { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => Elements.ToList();

        public void StoreElement(XElement element, string friendlyName) => Elements.Add(element);
    }
}
