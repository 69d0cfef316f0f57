using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace StatelessApp.Hosting.Telemetry;

/// <summary>
/// Where OTLP goes, decided once at registration: <c>Telemetry:Otlp:Endpoint</c> first, else the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (then the SDK reads every <c>OTEL_EXPORTER_OTLP_*</c> itself); neither means no OTLP.
/// </summary>
internal sealed record OtlpSettings(Uri? Endpoint, OtlpExportProtocol Protocol)
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>Null: no OTLP export.</summary>
    public static OtlpSettings? Read(IConfiguration configuration)
    {
        var own = configuration.GetSection(TelemetryOptions.SectionName).GetSection("Otlp");
        var protocol = ParseProtocol(own["Protocol"] ?? "") ?? ParseProtocol(configuration[ProtocolVariable] ?? "") ?? OtlpExportProtocol.Grpc;
        if (own["Endpoint"] is { Length: > 0 } endpoint)
        {
            // A malformed value is reported by TelemetryOptionsValidator at start-up, naming the setting.
            return IsHttpAddress(endpoint) ? new OtlpSettings(new Uri(endpoint), protocol) : null;
        }

        return configuration[EndpointVariable] is { Length: > 0 } ? new OtlpSettings(null, protocol) : null;
    }

    public static bool IsHttpAddress(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static OtlpExportProtocol? ParseProtocol(string value) => value.Trim().ToLowerInvariant() switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };
}
