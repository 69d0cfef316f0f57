using System.Net;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Clients;

internal sealed class FailoverClientOptionsValidator : IValidateOptions<FailoverClientOptions>
{
    public ValidateOptionsResult Validate(string? name, FailoverClientOptions options)
    {
        var section = options.Section;
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.DnsServer) && !IPEndPoint.TryParse(options.DnsServer, out _))
        {
            failures.Add($"{section}:DnsServer must be an IP address and port such as 127.3.0.53:5353 (was \"{options.DnsServer}\").");
        }

        if (options.PerAddressConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:PerAddressConnectTimeout must be positive (was {options.PerAddressConnectTimeout}).");
        }

        if (options.FailedAddressPenalty < TimeSpan.Zero)
        {
            failures.Add($"{section}:FailedAddressPenalty must not be negative (was {options.FailedAddressPenalty}).");
        }

        if (options.MaxAttempts is < 1 or > 10)
        {
            failures.Add($"{section}:MaxAttempts must be between 1 and 10 (was {options.MaxAttempts}).");
        }

        if (options.RetryBudget < TimeSpan.Zero || options.RetryBudget > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{section}:RetryBudget must be between 00:00:00 and 00:05:00 (was {options.RetryBudget}).");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{section}:RetryDelay must not be negative and MaxRetryDelay must not be below it (were {options.RetryDelay} and {options.MaxRetryDelay}).");
        }

        if (options.PooledConnectionLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{section}:PooledConnectionLifetime must be positive (was {options.PooledConnectionLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
