namespace StatelessApp.Web.Benchmarking;

/// <summary>The top-level <c>StateMode</c> setting (benchmark only; absent means <see cref="Benchmarking.StateMode.Stateless"/>).</summary>
public sealed class StateModeOptions
{
    public const string SettingName = "StateMode";

    /// <summary>The raw setting, kept as text so that a typo is reported by name instead of failing the binder.</summary>
    public string? StateMode { get; set; }

    /// <summary>Stateless when unset; null when the text names no mode (the validator reports it).</summary>
    public static StateMode? Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Benchmarking.StateMode.Stateless
        : Enum.GetNames<StateMode>().FirstOrDefault(name => name.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<StateMode>(name)
            : null;
}
