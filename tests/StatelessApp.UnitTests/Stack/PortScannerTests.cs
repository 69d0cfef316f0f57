using System.Net;
using StatelessApp.Stack.Processes;

namespace StatelessApp.UnitTests.Stack;

public class PortScannerTests
{
    private const string SsOutput = """
        tcp   LISTEN 0      511      127.1.0.10:8080      0.0.0.0:*    users:(("haproxy",pid=4242,fd=7))
        tcp   LISTEN 0      4096        0.0.0.0:6379      0.0.0.0:*    users:(("redis-server",pid=77,fd=6))
        udp   UNCONN 0      0        127.3.0.53:5353      0.0.0.0:*    users:(("dnsmasq",pid=9,fd=4))
        tcp   LISTEN 0      128            [::]:2380         [::]:*
        tcp   LISTEN 0      128    127.0.0.1%lo:5432      0.0.0.0:*    users:(("postgres",pid=5,fd=3))
        """;

    [Fact]
    public void Parses_address_port_process_and_pid()
    {
        var holders = PortScanner.Parse(SsOutput);

        Assert.Equal(5, holders.Count);
        Assert.Equal(new PortHolder("tcp", "127.1.0.10", 8080, "haproxy", 4242), holders[0]);
        Assert.Equal(new PortHolder("udp", "127.3.0.53", 5353, "dnsmasq", 9), holders[2]);
        Assert.Equal(new PortHolder("tcp", "::", 2380, null, null), holders[3]);
        Assert.Equal("127.0.0.1", holders[4].LocalAddress);
    }

    [Fact]
    public void A_wildcard_listener_blocks_every_address_of_its_port_and_protocol()
    {
        var holders = PortScanner.Parse(SsOutput);

        Assert.Equal("redis-server", PortScanner.HolderOf(holders, IPAddress.Parse("127.2.0.21"), 6379, "tcp")?.ProcessName);
        Assert.Equal("haproxy", PortScanner.HolderOf(holders, IPAddress.Parse("127.1.0.10"), 8080, "tcp")?.ProcessName);
        Assert.Null(PortScanner.HolderOf(holders, IPAddress.Parse("127.2.0.10"), 8080, "tcp"));
        Assert.Null(PortScanner.HolderOf(holders, IPAddress.Parse("127.3.0.53"), 5353, "tcp"));
        Assert.NotNull(PortScanner.HolderOf(holders, IPAddress.Parse("127.1.0.31"), 2380, "tcp"));
    }
}
