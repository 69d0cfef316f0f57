using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.RateLimiting;

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    private const string Section = RateLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add($"{Section}:KeyPrefix must be set (e.g. \"StatelessApp:RateLimit:\").");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(5))
        {
            failures.Add($"{Section}:Timeout must be positive and at most 00:00:05: a request near its limit waits for it (was {options.Timeout}).");
        }

        if (!(options.LocalShare is >= 0 and <= 1))
        {
            failures.Add($"{Section}:LocalShare must be between 0 (every request waits for Redis) and 1 (was {options.LocalShare}).");
        }

        if (options.TallyCapacity is < 100 or > 1_000_000)
        {
            failures.Add($"{Section}:TallyCapacity must be between 100 and 1000000 counters (was {options.TallyCapacity}).");
        }

        if (options.SignInTimeout <= TimeSpan.Zero || options.SignInTimeout > TimeSpan.FromSeconds(5))
        {
            failures.Add($"{Section}:SignInTimeout must be positive and at most 00:00:05: a sign-in waits for it twice (was {options.SignInTimeout}).");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaim))
        {
            failures.Add($"{Section}:UserIdClaim must name a claim (e.g. {System.Security.Claims.ClaimTypes.NameIdentifier}).");
        }

        RateLimitPolicy.Validate($"{Section}:{nameof(RateLimitOptions.Client)}", options.Client, failures);
        RateLimitPolicy.Validate($"{Section}:{nameof(RateLimitOptions.User)}", options.User, failures);
        RateLimitPolicy.Validate($"{Section}:{nameof(RateLimitOptions.SignInPerAccount)}", options.SignInPerAccount, failures);
        RateLimitPolicy.Validate($"{Section}:{nameof(RateLimitOptions.SignInPerClient)}", options.SignInPerClient, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
