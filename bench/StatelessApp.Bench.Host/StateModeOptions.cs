namespace StatelessApp.Bench.Host;

/// <summary>The top-level <c>StateMode</c> setting of the bench host: required, one of <see cref="Host.StateMode"/>.</summary>
public sealed class StateModeOptions
{
    public const string SettingName = "StateMode";

    /// <summary>The raw setting, kept as text so that a typo is reported by name instead of failing the binder.</summary>
    public string? StateMode { get; set; }

    /// <summary>The mode the text names, or null (unset or unknown: the validator reports it).</summary>
    public static StateMode? Parse(string? text) =>
        Enum.GetNames<StateMode>().FirstOrDefault(name => name.Equals(text?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<StateMode>(name)
            : null;
}
