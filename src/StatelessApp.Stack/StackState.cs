using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack;

/// <summary>
/// What one command must tell the next (.stack/state.env): the proxy kind `up` chose, and which PostgreSQL node was
/// primary when the stack went down, so that `up` starts it first and the primary stays where it was, whether `up`
/// started the observability servers (`status` then expects them), and which app release the instances run and which
/// they ran before (`rollback` goes back to it).
/// </summary>
public sealed record StackState(ProxyKind? Proxy, string? LastPostgresPrimary)
{
    private const string ObservabilityKey = "STACK_OBSERVABILITY";
    private const string CurrentReleaseKey = "APP_RELEASE_CURRENT";
    private const string PreviousReleaseKey = "APP_RELEASE_PREVIOUS";

    /// <summary>Prometheus and the exporters run (off after `up --no-observability`).</summary>
    public bool Observability { get; init; } = true;

    /// <summary>The release (<see cref="StackPaths.ReleaseOf"/>) every app instance starts from; null before the first `up`.</summary>
    public string? CurrentRelease { get; init; }

    /// <summary>The release that was current before <see cref="CurrentRelease"/>: what `rollback` returns to.</summary>
    public string? PreviousRelease { get; init; }

    private const string ProxyKey = "STACK_PROXY_KIND";
    private const string PrimaryKey = "LAST_POSTGRES_PRIMARY";

    /// <summary>This state with <paramref name="release"/> current and the current one previous (unchanged if already current).</summary>
    public StackState WithCurrentRelease(string release) =>
        release == CurrentRelease ? this : this with { CurrentRelease = release, PreviousRelease = CurrentRelease };

    public static StackState Read(string file)
    {
        if (!File.Exists(file))
        {
            return new StackState(null, null);
        }

        var values = ConfigTemplate.ReadEnvFile(file);
        ProxyKind? proxy = values.TryGetValue(ProxyKey, out var text) && StackTopology.TryParseProxyKind(text, out var kind) ? kind : null;
        return new StackState(proxy, NullIfEmpty(values.GetValueOrDefault(PrimaryKey)))
        {
            Observability = values.GetValueOrDefault(ObservabilityKey) != "off",
            CurrentRelease = NullIfEmpty(values.GetValueOrDefault(CurrentReleaseKey)),
            PreviousRelease = NullIfEmpty(values.GetValueOrDefault(PreviousReleaseKey)),
        };
    }

    public void Write(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"{ProxyKey}={Proxy?.ToString().ToLowerInvariant()}\n{PrimaryKey}={LastPostgresPrimary}\n{ObservabilityKey}={(Observability ? "on" : "off")}\n"
            + $"{CurrentReleaseKey}={CurrentRelease}\n{PreviousReleaseKey}={PreviousRelease}\n");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
