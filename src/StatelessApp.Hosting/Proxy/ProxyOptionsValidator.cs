using System.Net;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Proxy;

/// <summary>Fails start-up with a message that names the malformed setting.</summary>
internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();
        const string section = ProxyOptions.SectionName;

        for (var i = 0; i < options.KnownProxies.Length; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"{section}:KnownProxies:{i} must be an IP address (got \"{options.KnownProxies[i]}\").");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Length; i++)
        {
            if (!IsCidr(options.KnownNetworks[i]))
            {
                failures.Add($"{section}:KnownNetworks:{i} must be a CIDR network such as 127.0.0.0/8 (got \"{options.KnownNetworks[i]}\").");
            }
        }

        if (options.DrainTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:DrainTimeout must be positive (got {options.DrainTimeout}).");
        }

        if (options.DrainDelay < TimeSpan.Zero)
        {
            failures.Add($"{section}:DrainDelay must not be negative (got {options.DrainDelay}).");
        }
        else if (options.DrainTimeout > TimeSpan.Zero && options.DrainDelay >= options.DrainTimeout)
        {
            failures.Add($"{section}:DrainDelay ({options.DrainDelay}) must be shorter than {section}:DrainTimeout ({options.DrainTimeout}), " +
                         "or no time is left to finish in-flight requests.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// A network with host bits set ("127.0.0.1/8") parses, but is most likely a typo for a single address or for a
    /// different network: refuse it rather than trust more than was meant.
    /// </summary>
    internal static bool IsCidr(string value) =>
        IPNetwork.TryParse(value, out var network)
        && IPAddress.TryParse(value.AsSpan(0, value.IndexOf('/', StringComparison.Ordinal)), out var address)
        && address.Equals(network.BaseAddress);
}
