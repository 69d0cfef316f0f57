namespace StatelessApp.Hosting.Operators;

/// <summary>Where the operators are: the networks whose clients may see the operator-only endpoints (status, internals).</summary>
public sealed class OperatorOptions
{
    public const string SectionName = "Operators";

    /// <summary>Loopback only: the machine's own shell, as `./stack status` and a local curl are.</summary>
    public static readonly IReadOnlyList<string> DefaultNetworks = ["127.0.0.0/8", "::1/128"];

    /// <summary>
    /// CIDR networks, e.g. "10.0.5.0/24"; empty means <see cref="DefaultNetworks"/>. The client's address is the one the
    /// proxy support established (X-Forwarded-For only from a trusted proxy).
    /// </summary>
    public string[] Networks { get; set; } = [];
}
