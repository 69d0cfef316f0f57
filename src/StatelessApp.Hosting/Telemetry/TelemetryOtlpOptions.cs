namespace StatelessApp.Hosting.Telemetry;

/// <summary><c>Telemetry:Otlp:*</c>: the app's own name for the standard OTLP endpoint and protocol.</summary>
public sealed class TelemetryOtlpOptions
{
    /// <summary>The receiver's base address, e.g. <c>http://127.3.0.91:18890</c>; wins over <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c> (the OTLP names); empty means <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else grpc.</summary>
    public string? Protocol { get; set; }
}
