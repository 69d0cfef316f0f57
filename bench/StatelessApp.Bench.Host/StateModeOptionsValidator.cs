using Microsoft.Extensions.Options;

namespace StatelessApp.Bench.Host;

public sealed class StateModeOptionsValidator : IValidateOptions<StateModeOptions>
{
    public ValidateOptionsResult Validate(string? name, StateModeOptions options) =>
        StateModeOptions.Parse(options.StateMode) is null
            ? ValidateOptionsResult.Fail(
                $"{StateModeOptions.SettingName} must be one of {string.Join(", ", Enum.GetNames<StateMode>())} (was '{options.StateMode}'); "
                + "the stateless baseline is the shipped app (src/StatelessApp.Web), not this host")
            : ValidateOptionsResult.Success;
}
