using System.Net;

namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// The client address a limit counts by: an IPv4 address as it is, an IPv6 address by its /64 (one subscriber gets a
/// whole /64, so counting single IPv6 addresses would let one client count as 2^64).
/// </summary>
internal static class ClientPartition
{
    public static string? Of(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
