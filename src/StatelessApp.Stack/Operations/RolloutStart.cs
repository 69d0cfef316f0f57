namespace StatelessApp.Stack.Operations;

/// <summary>
/// What each instance of a rollout starts with: the release it runs and settings added to (or overriding) the ones
/// <see cref="Servers.AppServer"/> gives every instance ("Section:Key" form, e.g. a rotated secret).
/// </summary>
public sealed record RolloutStart(AppRelease Release)
{
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
