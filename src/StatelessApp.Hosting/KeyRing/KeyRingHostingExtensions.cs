using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.KeyRing;

public static class KeyRingHostingExtensions
{
    /// <summary>
    /// DataProtection shared by every instance: one explicit application name (<c>KeyRing:ApplicationName</c>) and
    /// the keys in a Redis list (<c>KeyRing:RedisKey</c>) on the multiplexer registered by <c>AddRedis</c>, encrypted to
    /// and signed with an RSA certificate (<c>KeyRing:Certificate:*</c>; required outside Development).
    /// Antiforgery tokens, auth cookies and session cookies minted by one instance then validate on any other.
    /// </summary>
    /// <remarks>
    /// Redis must persist (appendonly yes, and replicas): the ring lives only there. A new key is used only once
    /// <c>KeyRing:RequiredReplicas</c> replicas confirmed it (see <see cref="ReplicatedXmlRepository"/>). If Redis loses
    /// it, every outstanding cookie and token becomes unreadable, which logs every user out and breaks open forms.
    /// Outside Development the first key comes from <c>migrate</c> (<see cref="KeyRingFirstKey"/>), never from an
    /// instance (<see cref="FirstKeyGuard"/>); elements not signed by a configured certificate are never read
    /// (<see cref="SignedXmlRepository"/>). docs/sessions-and-keyring.md describes rotating the certificate.
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
        builder.Services.AddWarmupStep<KeyRingWarmupStep>();

        // Null in Development without a certificate (the ring is then stored unencrypted, as DataProtection warns).
        // Loaded from the validated options, so a bad file stops the start with the validator's message naming it.
        builder.Services.TryAddSingleton(services =>
            KeyRingCertificates.Load(services.GetRequiredService<IOptions<KeyRingOptions>>().Value.Certificate, out _)!);
        builder.Services.TryAddSingleton(services =>
        {
            var permission = new FirstKeyPermission();
            if (services.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                permission.Grant(); // `dotnet run` needs no migrate for its key
            }

            return permission;
        });

        // Same effect as SetApplicationName(...), PersistKeysToStackExchangeRedis(...), ProtectKeysWithCertificate(...) and
        // UnprotectKeysWithAnyCertificate(...), but resolved from DI: those extensions need the name, the multiplexer and
        // the certificates at registration time, while here the shared multiplexer singleton and the validated options
        // (certificate files included) are only known once the container is built.
        builder.Services.AddOptions<DataProtectionOptions>()
            .Configure<IOptions<KeyRingOptions>>((dataProtection, keyRing) =>
                dataProtection.ApplicationDiscriminator = keyRing.Value.ApplicationName);
        // The multiplexer is resolved on each key ring read, not here: DataProtection must come up even while
        // Sentinel is unreachable, and read the ring once it is back.
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider, IOptions<KeyRingOptions>>((keyManagement, services, keyRing) =>
            {
                var settings = keyRing.Value;
                var loggers = services.GetRequiredService<ILoggerFactory>();
                var logger = loggers.CreateLogger(typeof(KeyRingHostingExtensions).Namespace!);
                IDatabase Shared() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
                IXmlRepository repository = settings.RequiredReplicas == 0
                    ? new RedisXmlRepository(Shared, settings.RedisKey)
                    : new ReplicatedXmlRepository(
                        Shared,
                        () => services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.ReplicatedWrites).GetDatabase(),
                        settings.RedisKey,
                        settings.RequiredReplicas,
                        settings.ReplicaAckTimeout,
                        services.GetService<RedisMetrics>());
                if (services.GetService<KeyRingCertificates>() is { } certificates)
                {
                    keyManagement.XmlEncryptor = new CertificateKeyEncryptor(certificates, loggers);
                    repository = new SignedXmlRepository(repository, certificates, logger);
                }

                keyManagement.XmlRepository = new FirstKeyGuard(
                    repository,
                    services.GetRequiredService<FirstKeyPermission>(),
                    services.GetService<TimeProvider>() ?? TimeProvider.System,
                    settings.RedisKey,
                    logger);
            });

        return builder;
    }
}
