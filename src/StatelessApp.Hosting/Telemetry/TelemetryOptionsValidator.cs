using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Telemetry;

/// <summary>Fails start-up with a message that names the malformed setting.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public const string EndpointSetting = $"{TelemetryOptions.SectionName}:Otlp:Endpoint";
    public const string ProtocolSetting = $"{TelemetryOptions.SectionName}:Otlp:Protocol";

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.Otlp.Endpoint is { Length: > 0 } endpoint && !OtlpSettings.IsHttpAddress(endpoint))
        {
            failures.Add($"{EndpointSetting} must be an absolute http:// or https:// address (e.g. \"http://127.3.0.91:18890\"; got \"{endpoint}\").");
        }

        if (options.Otlp.Protocol is { Length: > 0 } protocol && OtlpSettings.ParseProtocol(protocol) is null)
        {
            failures.Add($"{ProtocolSetting} must be \"grpc\" or \"http/protobuf\" (got \"{protocol}\").");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
