using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Hosting.KeyRing;

public static class KeyRingHostingExtensions
{
    /// <summary>
    /// DataProtection shared by every instance: one explicit application name (<c>KeyRing:ApplicationName</c>) and
    /// the keys in a Redis list (<c>KeyRing:RedisKey</c>) on the multiplexer registered by <c>AddRedis</c>.
    /// Antiforgery tokens, auth cookies and session cookies minted by one instance then validate on any other.
    /// </summary>
    /// <remarks>
    /// Redis must persist (appendonly yes, and replicas): the ring lives only there. A new key is used only once
    /// <c>KeyRing:RequiredReplicas</c> replicas confirmed it (see <see cref="ReplicatedXmlRepository"/>). If Redis loses it, every
    /// instance creates a new key and all outstanding cookies and tokens become unreadable, which logs every
    /// user out and breaks open forms. Keys are stored unencrypted (DataProtection logs a warning saying so):
    /// Redis must be private and password-protected.
    /// </remarks>
    public static IHostApplicationBuilder AddRedisKeyRing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<KeyRingOptions>()
            .BindConfiguration(KeyRingOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>());

        builder.Services.AddDataProtection();

        // Same effect as SetApplicationName(...) and PersistKeysToStackExchangeRedis(...), but resolved from DI:
        // those extensions need the name and the multiplexer at registration time, while here the shared
        // multiplexer singleton and the validated options are only known once the container is built.
        builder.Services.AddOptions<DataProtectionOptions>()
            .Configure<IOptions<KeyRingOptions>>((dataProtection, keyRing) =>
                dataProtection.ApplicationDiscriminator = keyRing.Value.ApplicationName);
        // The multiplexer is resolved on each key ring read, not here: DataProtection must come up even while
        // Sentinel is unreachable, and read the ring once it is back.
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider, IOptions<KeyRingOptions>>((keyManagement, services, keyRing) =>
            {
                var settings = keyRing.Value;
                IDatabase Shared() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
                keyManagement.XmlRepository = settings.RequiredReplicas == 0
                    ? new RedisXmlRepository(Shared, settings.RedisKey)
                    : new ReplicatedXmlRepository(
                        Shared,
                        () => services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites).GetDatabase(),
                        settings.RedisKey,
                        settings.RequiredReplicas,
                        settings.ReplicaAckTimeout);
            });

        return builder;
    }
}
