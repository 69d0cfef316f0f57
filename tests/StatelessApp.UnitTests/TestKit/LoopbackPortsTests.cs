using StatelessApp.TestKit.Network;

namespace StatelessApp.UnitTests.TestKit;

public class LoopbackPortsTests
{
    // The kernel picks from about 28,000 ephemeral ports at random: among 2,000 picks a repeat is all but certain.
    private const int Picks = 2_000;

    [Fact]
    public void A_TCP_port_is_never_handed_out_twice()
    {
        var ports = Enumerable.Range(0, Picks).Select(_ => LoopbackPorts.FreeTcp()).ToList();

        Assert.Equal(Picks, ports.Distinct().Count());
    }

    [Fact]
    public void A_UDP_port_is_never_handed_out_twice()
    {
        var ports = Enumerable.Range(0, Picks).Select(_ => LoopbackPorts.FreeUdp()).ToList();

        Assert.Equal(Picks, ports.Distinct().Count());
    }
}
