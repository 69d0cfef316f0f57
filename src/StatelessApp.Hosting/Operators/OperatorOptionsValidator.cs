using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Proxy;

namespace StatelessApp.Hosting.Operators;

/// <summary>Fails start-up with a message that names the malformed network.</summary>
internal sealed class OperatorOptionsValidator : IValidateOptions<OperatorOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Networks.Length; i++)
        {
            if (!ProxyOptionsValidator.IsCidr(options.Networks[i]))
            {
                failures.Add($"{OperatorOptions.SectionName}:Networks:{i} must be a CIDR network such as 10.0.5.0/24 or ::1/128 (got \"{options.Networks[i]}\").");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
