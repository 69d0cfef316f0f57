using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.RequestRates;

internal sealed class RequestRateOptionsValidator : IValidateOptions<RequestRateOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestRateOptions options)
    {
        var failures = new List<string>();
        if (options.FlushInterval < TimeSpan.FromSeconds(1) || options.FlushInterval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"{RequestRateOptions.SectionName}:FlushInterval must be whole seconds, at least 00:00:01 (was {options.FlushInterval}).");
        }
        else if (options.Window < options.FlushInterval || options.Window.Ticks % options.FlushInterval.Ticks != 0)
        {
            failures.Add($"{RequestRateOptions.SectionName}:Window must be a whole number of FlushIntervals (was {options.Window}).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add($"{RequestRateOptions.SectionName}:KeyPrefix is required.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{RequestRateOptions.SectionName}:Timeout must be positive (was {options.Timeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
