namespace StatelessApp.Hosting.RequestRates;

/// <summary>One region's answers per second over the last <see cref="RequestRateOptions.Window"/>, all its instances together.</summary>
public sealed record RegionRequestRate(string Region, double RequestsPerSecond, double ClientErrorsPerSecond, double ServerErrorsPerSecond)
{
    /// <summary>The share of answers that were 5xx (0 when there were none).</summary>
    public double ServerErrorShare => RequestsPerSecond == 0 ? 0 : ServerErrorsPerSecond / RequestsPerSecond;
}
