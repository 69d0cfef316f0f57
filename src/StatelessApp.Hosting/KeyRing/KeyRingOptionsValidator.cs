using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.KeyRing;

internal sealed class KeyRingOptionsValidator : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApplicationName))
        {
            failures.Add($"{KeyRingOptions.SectionName}:ApplicationName must be set (one explicit name shared by every instance).");
        }

        if (string.IsNullOrWhiteSpace(options.RedisKey))
        {
            failures.Add($"{KeyRingOptions.SectionName}:RedisKey must be set (the Redis key holding the key ring).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
