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

        // Work until this process has used 300 ms of CPU (by its own count), however long that takes on a busy machine.
        using var process = Process.GetCurrentProcess();
        var until = process.TotalProcessorTime + TimeSpan.FromMilliseconds(300);
        var spin = 0L;
        while (process.TotalProcessorTime < until)
        {
            spin++;
            process.Refresh();
        }

        var after = ProcessCpu.Read(new Dictionary<string, int> { ["self"] = self, ["gone"] = int.MaxValue });

        Assert.True(spin > 0);
        Assert.InRange(after["self"] - before["self"], 0.1, 60);
        Assert.Equal(0, after["gone"]);
    }
}
