using Microsoft.AspNetCore.DataProtection;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.KeyRing;

/// <summary>
/// Reads the key ring from Redis and decrypts its keys (certificate) with one protect and unprotect: the first cookie
/// a new instance reads or writes then finds the ring in memory.
/// </summary>
internal sealed class KeyRingWarmupStep(IDataProtectionProvider dataProtection) : IWarmupStep
{
    private static readonly byte[] Probe = [0x57];

    public string Name => "key ring";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var protector = dataProtection.CreateProtector("StatelessApp.Hosting.Startup.Warmup");
        _ = protector.Unprotect(protector.Protect(Probe));
        return Task.CompletedTask;
    }
}
