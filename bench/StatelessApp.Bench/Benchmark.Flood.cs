namespace StatelessApp.Bench;

/// <summary>The flood of the shop (<see cref="FloodBenchmark"/>), left out with the shop of an app made without the sample.</summary>
public sealed partial class Benchmark
{
    partial void MeasureFlood(SystemUnderTest stack, ref Task<FloodMeasurement>? measuring, CancellationToken cancellationToken) =>
        measuring = new FloodBenchmark(settings, stack, _progress).RunAsync(cancellationToken);
}
