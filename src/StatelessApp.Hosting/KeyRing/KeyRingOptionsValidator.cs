using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// Checks the key ring's settings at start-up, the certificate files included (read, RSA, private key present).
/// Outside Development the certificate is required: the issue this closes is a ring readable by whoever reads Redis.
/// </summary>
internal sealed class KeyRingOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApplicationName))
        {
            failures.Add($"{KeyRingOptions.SectionName}:ApplicationName must be set (one explicit name shared by every instance).");
        }

        if (string.IsNullOrWhiteSpace(options.RedisKey))
        {
            failures.Add($"{KeyRingOptions.SectionName}:RedisKey must be set (the Redis key holding the key ring).");
        }

        if (options.RequiredReplicas < 0)
        {
            failures.Add($"{KeyRingOptions.SectionName}:RequiredReplicas must be 0 (no replica confirmation) or more (was {options.RequiredReplicas}).");
        }

        if (options.RequiredReplicas > 0 && (options.ReplicaAckTimeout <= TimeSpan.Zero || options.ReplicaAckTimeout > TimeSpan.FromSeconds(10)))
        {
            failures.Add($"{KeyRingOptions.SectionName}:ReplicaAckTimeout must be positive and at most 00:00:10 (was {options.ReplicaAckTimeout}).");
        }

        if (string.IsNullOrWhiteSpace(options.Certificate.Path) && !environment.IsDevelopment())
        {
            failures.Add($"{KeyRingOptions.SectionName}:Certificate:Path must be set outside Development (an RSA certificate that encrypts and signs the key ring; environment '{environment.EnvironmentName}').");
        }

        using (KeyRingCertificates.Load(options.Certificate, out var problems))
        {
            failures.AddRange(problems);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
