using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Consistency;

/// <summary>Fails start-up with messages that name the setting to fix.</summary>
internal sealed class ConsistencyOptionsValidator : IValidateOptions<ConsistencyOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsistencyOptions options)
    {
        var section = ConsistencyOptions.SectionName;
        var failures = new List<string>();
        if (options.MaxWait < TimeSpan.Zero || options.MaxWait > TimeSpan.FromSeconds(5))
        {
            failures.Add($"{section}:MaxWait must be between 00:00:00 and 00:00:05 (was {options.MaxWait})");
        }

        if (options.PositionCacheTime <= TimeSpan.Zero || options.PositionCacheTime > TimeSpan.FromSeconds(1))
        {
            failures.Add($"{section}:PositionCacheTime must be positive and at most 00:00:01 (was {options.PositionCacheTime})");
        }

        if (options.ProbeInterval < TimeSpan.FromMilliseconds(10) || options.ProbeInterval > TimeSpan.FromSeconds(60))
        {
            failures.Add($"{section}:ProbeInterval must be between 00:00:00.010 and 00:01:00 (was {options.ProbeInterval})");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero || options.ProbeTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{section}:ProbeTimeout must be positive and at most 00:00:30 (was {options.ProbeTimeout})");
        }

        if (options.MaxStandbyLag <= TimeSpan.Zero)
        {
            failures.Add($"{section}:MaxStandbyLag must be positive (was {options.MaxStandbyLag})");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaim))
        {
            failures.Add($"{section}:UserIdClaim must name a claim type");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
