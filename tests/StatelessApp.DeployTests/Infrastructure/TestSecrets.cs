using System.Security.Cryptography;
using StatelessApp.Stack;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// Passwords for one test run: distinctive random values, so that a test can search any output for them and a
/// leak cannot hide behind a common word.
/// </summary>
public sealed class TestSecrets
{
    public TestSecrets() =>
        Values = Keys.ToDictionary(
            key => key,
            key => $"{key.ToLowerInvariant().Replace('_', '-')}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}",
            StringComparer.Ordinal);

    /// <summary>Every password name: the local stack's and a deployment's (deploy/secrets.env.example lists both).</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [.. StackSecrets.Keys.Union(GeneratedComposeEnv.ReadEnvFile(Repository.PathOf("deploy", "secrets.env.example")).Keys, StringComparer.Ordinal)];

    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>As environment variables for a child process.</summary>
    public Dictionary<string, string?> AsEnvironment() => Values.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);

    /// <summary>An environment in which none of the passwords is set (a developer's shell may have them).</summary>
    public static Dictionary<string, string?> NoneSet() => Keys.ToDictionary(k => k, _ => (string?)null, StringComparer.Ordinal);

    /// <summary>The passwords that appear in <paramref name="text"/> (by name, never by value).</summary>
    public IReadOnlyList<string> FoundIn(string text) => [.. Values.Where(p => text.Contains(p.Value, StringComparison.Ordinal)).Select(p => p.Key)];
}
