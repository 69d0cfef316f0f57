namespace StatelessApp.Hosting.Telemetry;

/// <summary>
/// <c>Telemetry:*</c>: whether the OpenTelemetry SDK runs at all, and where OTLP goes besides the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> environment variables.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// False: no OpenTelemetry SDK at all (no listeners, no exporters, no <c>/metrics</c>); the bench compares the two.
    /// Read when the services are registered, so it is not reloadable.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>OTLP export; none unless an endpoint is configured here or in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public TelemetryOtlpOptions Otlp { get; set; } = new();
}
