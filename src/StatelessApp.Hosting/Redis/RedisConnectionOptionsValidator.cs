using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Redis;

/// <summary>Fails start-up with the setting's name when the Redis connection string is missing or cannot be parsed.</summary>
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
            return configuration.EndPoints.Count == 0
                ? ValidateOptionsResult.Fail($"{options.SettingName} names no Redis endpoint (host:port).")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // The string may hold a password: report the parser's reason, never the string itself.
            return ValidateOptionsResult.Fail($"{options.SettingName} is not a valid StackExchange.Redis configuration string: {ex.Message}");
        }
    }
}
