using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>The ring's first key, created once by <c>migrate</c> before any instance starts (see <see cref="FirstKeyGuard"/>).</summary>
public static class KeyRingFirstKey
{
    /// <summary>
    /// Creates a key active now when the ring has no usable one (none, or all revoked, expired or undecryptable), and
    /// says whether it did. Does nothing when <paramref name="services"/> has no <c>AddRedisKeyRing</c>.
    /// </summary>
    public static bool CreateIfMissing(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var permission = services.GetService<FirstKeyPermission>();
        if (permission is null)
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var keys = services.GetRequiredService<IKeyManager>();
        var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRingFirstKey));
        var ring = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.RedisKey;
        if (keys.GetAllKeys().Any(key => IsUsable(key, now)))
        {
            KeyRingLog.FirstKeyPresent(logger, ring);
            return false;
        }

        permission.Grant();
        var lifetime = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime;
        var created = keys.CreateNewKey(activationDate: now, expirationDate: now + lifetime);
        KeyRingLog.FirstKeyCreated(logger, created.KeyId, ring, created.ExpirationDate);
        return true;
    }

    private static bool IsUsable(IKey key, DateTimeOffset now)
    {
        if (key.IsRevoked || key.ActivationDate > now || key.ExpirationDate <= now)
        {
            return false;
        }

        try
        {
            return key.Descriptor is not null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException or System.Xml.XmlException)
        {
            return false; // encrypted to a certificate no longer configured
        }
    }
}
