using System.Net;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Operators;

/// <summary>Whether a client address lies in one of the operators' networks (<see cref="OperatorOptions.Networks"/>).</summary>
public sealed class OperatorNetworks
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    public OperatorNetworks(IOptions<OperatorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.Networks.Length > 0 ? options.Value.Networks : OperatorOptions.DefaultNetworks;
        // Invalid entries never get here: validated at start-up.
        _networks = configured.Select(network => IPNetwork.Parse(network)).ToList();
    }

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>False for no address (a test server without a connection, a Unix socket): unknown is not an operator.</summary>
    public bool Contains(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }

        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; the networks are written as IPv4.
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return _networks.Any(network => network.Contains(address));
    }
}
