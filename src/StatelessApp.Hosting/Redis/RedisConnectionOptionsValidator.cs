using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Tls;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// Fails start-up with the setting's name when the Redis connection string is missing or cannot be parsed, or when the
/// configured CA cannot be read or would not be used (no ssl=true).
/// </summary>
internal sealed class RedisConnectionOptionsValidator : IValidateOptions<RedisConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisConnectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{options.SettingName} is required: a StackExchange.Redis configuration string such as " +
                "\"127.0.0.1:6379,password=...\" or \"sentinel1:26379,sentinel2:26379,serviceName=NAME,password=...\".");
        }

        try
        {
            var configuration = RedisConfiguration.Create(options.ConnectionString);
            if (configuration.EndPoints.Count == 0)
            {
                return ValidateOptionsResult.Fail($"{options.SettingName} names no Redis endpoint (host:port).");
            }

            return options.CaCertificatePath is null ? ValidateOptionsResult.Success : ValidateCa(options, configuration.Ssl);
        }
        catch (ArgumentException ex)
        {
            // The string may hold a password: report the parser's reason, never the string itself.
            return ValidateOptionsResult.Fail($"{options.SettingName} is not a valid StackExchange.Redis configuration string: {ex.Message}");
        }
    }

    private static ValidateOptionsResult ValidateCa(RedisConnectionOptions options, bool ssl)
    {
        var setting = options.CaCertificateSettingName;
        if (!ssl)
        {
            return ValidateOptionsResult.Fail($"{setting} is set but {options.SettingName} does not turn TLS on: add ssl=true.");
        }

        if (!File.Exists(options.CaCertificatePath))
        {
            return ValidateOptionsResult.Fail($"{setting}: no file at {options.CaCertificatePath}.");
        }

        try
        {
            CertificateAuthorityTrust.Load(options.CaCertificatePath);
            return ValidateOptionsResult.Success;
        }
        catch (CryptographicException ex)
        {
            return ValidateOptionsResult.Fail($"{setting}: {options.CaCertificatePath} holds no certificate (PEM or DER): {ex.Message}");
        }
    }
}
