using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using NpgsqlTypes;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Cookies;

/// <summary>
/// Golden values protected with a test-only key by the protectors as they are on main c89bd7f: the session cookie and the consistency token as a
/// browser or client holds them across a rolling upgrade. They stay readable only while the key ring's application
/// name, each protector's purpose string and each payload's layout stay as they are: change any of them and every
/// cookie in the wild is refused (sessions lost). Never edit a value here; a new layout gets a new purpose or a
/// version byte that the release before it already reads (docs/operations.md, "Session format across versions").
/// </summary>
public sealed class ProtectedPayloadCompatibilityTests
{
    /// <summary>Session id AAECAwQFBgcICQoLDA0ODw (bytes 00..0F), purpose StatelessApp.Hosting.Sessions.SessionCookie.v1.</summary>
    private const string SessionCookie =
        "CfDJ8ESoIoGxUjNHg8rU8rKhx22pRU2UPvFqdvx4FBAntP8BMBFsZ-JhlckQBNuvIsm3_7t7fsenooILx8xq6IJFJyKNtZ8bLahyceQ8lcGaPULYFFNUXChr2HCrphvYEkYVCdGHsNxHDnqW8q2FDI6iSvU";

    /// <summary>Position 0/3A2B1C8 for user "alice", purpose StatelessApp.Hosting.Consistency.Token.v1, payload version 1.</summary>
    private const string ConsistencyToken =
        "CfDJ8ESoIoGxUjNHg8rU8rKhx22lBCWq-N5PTdr1yFQO5yFquVPQZ2sGw73wC16f9k-8Ft7SKfXBORnxqCLK9MbKDzTTz0bqx8uZ0OkjpbtvYQS5knFR43ZW48CHFQz2TM7Y7g";

    /// <summary>A key made for these vectors only (never used by any deployment), stored unencrypted for that reason.</summary>
    private const string TestOnlyKey =
        """
        <key id="8122a844-52b1-4733-83ca-d4f2b2a1c76d" version="1">
          <creationDate>2026-12-05T17:49:49.4039753Z</creationDate>
          <activationDate>2026-12-05T17:49:49.4039753Z</activationDate>
          <expirationDate>2027-03-05T17:49:49.4039753Z</expirationDate>
          <descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer, Microsoft.AspNetCore.DataProtection, Version=10.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60">
            <descriptor>
              <encryption algorithm="AES_256_CBC" />
              <validation algorithm="HMACSHA256" />
              <masterKey p4:requiresEncryption="true" xmlns:p4="http://schemas.asp.net/2015/03/dataProtection">
                <value>LqmlrFUOkt7gPMEVq7hbnbF7lliSg2Z/9M7XF4fKCHhSLxqlcv74FAIeTjepKcinE/aQCD51uewgEp61yU58Gg==</value>
              </masterKey>
            </descriptor>
          </descriptor>
        </key>
        """;

    private readonly IDataProtectionProvider _provider = GoldenProvider();

    [RepositoryNamesFact]
    public void A_session_cookie_of_the_previous_release_names_the_same_session()
    {
        var id = new SessionCookieProtector(_provider).Unprotect(SessionCookie, out var version, out var refusal);

        Assert.Null(refusal);
        Assert.Equal("AAECAwQFBgcICQoLDA0ODw", id);
        Assert.Null(version); // no version: its session is loaded from the primary, as before
    }

    [RepositoryNamesFact]
    public void A_consistency_token_of_the_previous_release_still_carries_its_position()
    {
        Assert.True(new ConsistencyTokenProtector(_provider).TryUnprotect(ConsistencyToken, "alice", out var position));
        Assert.Equal(NpgsqlLogSequenceNumber.Parse("0/3A2B1C8"), position);
    }

    /// <summary>The app's key ring as KeyRingOptions names it by default, holding only <see cref="TestOnlyKey"/>.</summary>
    private static IDataProtectionProvider GoldenProvider()
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName(new KeyRingOptions().ApplicationName).DisableAutomaticKeyGeneration();
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = new FixedKeys(XElement.Parse(TestOnlyKey)));
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    private sealed class FixedKeys(XElement key) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => [key];

        public void StoreElement(XElement element, string friendlyName) =>
            throw new InvalidOperationException("The golden key ring is read-only.");
    }

    /// <summary>
    /// Runs where the names are the repository's own: a solution generated from the template has its own purposes and
    /// application name (so these values cannot be read there) and no earlier release to stay compatible with.
    /// </summary>
    private sealed class RepositoryNamesFactAttribute : FactAttribute
    {
        // Split so that the template's renaming, which rewrites the code's names, leaves this one as it is.
        private const string RepositoryName = "Stateless" + "App";

        public RepositoryNamesFactAttribute()
        {
            if (new KeyRingOptions().ApplicationName != RepositoryName)
            {
                Skip = "golden values of the repository's own releases: this solution's names differ";
            }
        }
    }
}
