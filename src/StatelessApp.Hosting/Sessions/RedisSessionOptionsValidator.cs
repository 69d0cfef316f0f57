using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Cookies;

namespace StatelessApp.Hosting.Sessions;

internal sealed class RedisSessionOptionsValidator : IValidateOptions<RedisSessionOptions>
{
    private const string Section = RedisSessionOptions.SectionName;

    /// <summary>Every request that changes its session may wait this long; more is a stuck site, not durability.</summary>
    internal static readonly TimeSpan MaxReplicaAckTimeout = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, RedisSessionOptions options)
    {
        var failures = new List<string>();

        // Redis expiries have a resolution we rely on in whole seconds (EX); anything shorter is a typo.
        if (options.IdleTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Section}:IdleTimeout must be positive and at least 00:00:01 (was {options.IdleTimeout}).");
        }

        if (HostCookie.Problem(options.CookieName, $"{Section}:CookieName") is { } cookieName)
        {
            failures.Add(cookieName);
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add($"{Section}:KeyPrefix must be set (e.g. \"StatelessApp:Session:\").");
        }

        if (options.MaxSizeBytes <= 0)
        {
            failures.Add($"{Section}:MaxSizeBytes must be positive (was {options.MaxSizeBytes}).");
        }

        if (options.RequiredReplicas < 0)
        {
            failures.Add($"{Section}:RequiredReplicas must be 0 (no replica confirmation) or more (was {options.RequiredReplicas}).");
        }

        if (options.RequiredReplicas > 0 && (options.ReplicaAckTimeout <= TimeSpan.Zero || options.ReplicaAckTimeout > MaxReplicaAckTimeout))
        {
            failures.Add($"{Section}:ReplicaAckTimeout must be positive and at most {MaxReplicaAckTimeout} (was {options.ReplicaAckTimeout}).");
        }

        if (options.IOTimeout <= TimeSpan.Zero || (options.RequiredReplicas > 0 && options.IOTimeout <= options.ReplicaAckTimeout))
        {
            failures.Add($"{Section}:IOTimeout must be positive and longer than {Section}:ReplicaAckTimeout (was {options.IOTimeout}).");
        }

        if (options.LocalReadTimeout <= TimeSpan.Zero || options.LocalReadTimeout >= options.IOTimeout)
        {
            failures.Add($"{Section}:LocalReadTimeout must be positive and shorter than {Section}:IOTimeout (was {options.LocalReadTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
