using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack;

/// <summary>
/// What one command must tell the next (.stack/state.env): the proxy kind `up` chose, and which PostgreSQL node was
/// primary when the stack went down, so that `up` starts it first and the primary stays where it was.
/// </summary>
public sealed record StackState(ProxyKind? Proxy, string? LastPostgresPrimary)
{
    private const string ProxyKey = "STACK_PROXY_KIND";
    private const string PrimaryKey = "LAST_POSTGRES_PRIMARY";

    public static StackState Read(string file)
    {
        if (!File.Exists(file))
        {
            return new StackState(null, null);
        }

        var values = ConfigTemplate.ReadEnvFile(file);
        ProxyKind? proxy = values.TryGetValue(ProxyKey, out var text) && StackTopology.TryParseProxyKind(text, out var kind) ? kind : null;
        return new StackState(proxy, values.GetValueOrDefault(PrimaryKey) is { Length: > 0 } primary ? primary : null);
    }

    public void Write(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"{ProxyKey}={Proxy?.ToString().ToLowerInvariant()}\n{PrimaryKey}={LastPostgresPrimary}\n");
    }
}
