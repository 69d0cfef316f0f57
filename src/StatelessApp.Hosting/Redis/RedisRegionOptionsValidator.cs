using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Data;

namespace StatelessApp.Hosting.Redis;

/// <summary>Fails start-up, naming Redis:NodeRegions, when it is set but empty or holds an entry that is not host[:port]=region.</summary>
internal sealed class RedisRegionOptionsValidator : IValidateOptions<RedisRegionOptions>
{
    private const string Setting = RedisRegionOptions.SectionName + ":" + nameof(RedisRegionOptions.NodeRegions);

    public ValidateOptionsResult Validate(string? name, RedisRegionOptions options)
    {
        if (options.NodeRegions is null)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.NodeRegions))
        {
            return ValidateOptionsResult.Fail(
                $"{Setting} is empty: remove it (reads then go to the primary) or give every Redis node's region (\"redis-a:6379=a,redis-b:6379=b\")");
        }

        var failures = new List<string>();
        NodeRegions.Parse(options.NodeRegions, RedisRegionOptions.DefaultPort, Setting, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
