using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Identity;

/// <summary>Fails start-up with a message that names the missing or malformed setting.</summary>
internal sealed class InstanceOptionsValidator : IValidateOptions<InstanceOptions>
{
    public ValidateOptionsResult Validate(string? name, InstanceOptions options)
    {
        var failures = new List<string>();
        Check(options.Region, "Region", "\"a\"", failures);
        Check(options.Name, "Name", "\"app-1\"", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string value, string key, string example, List<string> failures)
    {
        var setting = $"{InstanceOptions.SectionName}:{key}";
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} is required (e.g. {example}; environment variable {InstanceOptions.SectionName}__{key}).");
        }
        else if (!IsLabelSafe(value))
        {
            // The value goes into a response header and a log prefix: keep it to a plain token.
            failures.Add($"{setting} may contain only letters, digits, '-', '_' and '.' (got \"{value}\").");
        }
    }

    private static bool IsLabelSafe(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
