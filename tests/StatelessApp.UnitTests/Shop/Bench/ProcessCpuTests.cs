using System.Diagnostics;
using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

public class ProcessCpuTests
{
    [Fact]
    public void A_process_tree_that_computes_is_charged_and_a_missing_one_is_zero()
    {
        var self = Environment.ProcessId;
        var before = ProcessCpu.Read(new Dictionary<string, int> { ["self"] = self, ["gone"] = int.MaxValue });

        var watch = Stopwatch.StartNew();
        var spin = 0L;
        while (watch.ElapsedMilliseconds < 300)
        {
            spin++;
        }

        var after = ProcessCpu.Read(new Dictionary<string, int> { ["self"] = self, ["gone"] = int.MaxValue });

        Assert.True(spin > 0);
        Assert.InRange(after["self"] - before["self"], 0.1, 60);
        Assert.Equal(0, after["gone"]);
    }
}
