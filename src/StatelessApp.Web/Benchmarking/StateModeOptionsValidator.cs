using Microsoft.Extensions.Options;

namespace StatelessApp.Web.Benchmarking;

public sealed class StateModeOptionsValidator : IValidateOptions<StateModeOptions>
{
    public ValidateOptionsResult Validate(string? name, StateModeOptions options) =>
        StateModeOptions.Parse(options.StateMode) is null
            ? ValidateOptionsResult.Fail(
                $"{StateModeOptions.SettingName} must be one of {string.Join(", ", Enum.GetNames<StateMode>())} (was '{options.StateMode}'); "
                + "leave it unset for the app as shipped (Stateless)")
            : ValidateOptionsResult.Success;
}
