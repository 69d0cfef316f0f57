namespace StatelessApp.Bench;

/// <summary>The run of bench/run --distance: where and when it ran, how hard the client pushed, and every cell.</summary>
public sealed record DistanceReport(
    string Commit,
    MachineSnapshot Before,
    MachineSnapshot After,
    double RoundTripMilliseconds,
    int RequestsPerCell,
    int Concurrency,
    IReadOnlyList<DistanceCell> Cells)
{
    /// <summary>The same scenario and entry at 0 ms, the baseline of a distant cell (null when not measured).</summary>
    public DistanceCell? AtZero(DistanceCell cell) =>
        Cells.FirstOrDefault(c => c.Scenario == cell.Scenario && c.Entry == cell.Entry && c.RoundTripMilliseconds == 0);

    /// <summary>What distance added to the median, in milliseconds (NaN for a 0 ms cell or without its baseline).</summary>
    public double AddedP50(DistanceCell cell) =>
        cell.RoundTripMilliseconds > 0 && AtZero(cell) is { } zero ? cell.P50Milliseconds - zero.P50Milliseconds : double.NaN;

    /// <summary>The added median in round trips between the regions: the crossings the median request effectively paid.</summary>
    public double AddedP50InRoundTrips(DistanceCell cell) => AddedP50(cell) / cell.RoundTripMilliseconds;
}
