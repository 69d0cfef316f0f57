using System.Buffers.Binary;
using System.Net;
using System.Text.RegularExpressions;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// The rule the compose env generator follows, stated independently: a topology address (loopback, 127.x) keeps its
/// offset from 127.0.0.0 and moves under the container base 10.200.0.0 (127.1.0.10 → 10.201.0.10).
/// </summary>
public static partial class ContainerAddress
{
    private static readonly uint Loopback = ToNumber(IPAddress.Parse("127.0.0.0"));
    private static readonly uint Base = ToNumber(IPAddress.Parse("10.200.0.0"));

    public static IPAddress Of(IPAddress topologyAddress) => FromNumber(Base + ToNumber(topologyAddress) - Loopback);

    public static string Of(IPNetwork topologyNetwork) => $"{Of(topologyNetwork.BaseAddress)}/{topologyNetwork.PrefixLength}";

    /// <summary>The upper half of a site's container network: where Docker picks addresses itself (compose-env.sh, *_NETWORK_DYNAMIC).</summary>
    public static string DynamicRangeOf(IPNetwork topologyNetwork) =>
        $"{FromNumber(ToNumber(Of(topologyNetwork.BaseAddress)) + (1u << (31 - topologyNetwork.PrefixLength)))}/{topologyNetwork.PrefixLength + 1}";

    /// <summary>Replaces every loopback address in <paramref name="text"/> (a connection string, a URL) by its container twin.</summary>
    public static string Translate(string text) =>
        LoopbackAddress().Replace(text, match => Of(IPAddress.Parse(match.Value)).ToString());

    [GeneratedRegex(@"(?<![0-9.])127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9])")]
    private static partial Regex LoopbackAddress();

    private static uint ToNumber(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static IPAddress FromNumber(uint number)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, number);
        return new IPAddress(bytes);
    }
}
