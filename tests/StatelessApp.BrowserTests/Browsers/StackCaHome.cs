using StatelessApp.Stack.Processes;

namespace StatelessApp.BrowserTests.Browsers;

/// <summary>
/// A HOME folder for Chromium whose NSS database (~/.pki/nssdb, where Chromium on Linux reads locally added trust
/// anchors) trusts the stack's CA for server certificates. So the browser checks every certificate for real (chain to
/// the stack CA, the name app.stateless.test, validity), as it would with a CA an operator installed, instead of
/// ignoring errors; the machine's own trust store and the user's real HOME stay untouched.
/// </summary>
public static class StackCaHome
{
    private static readonly TimeSpan CertutilTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the NSS database in <paramref name="home"/> with <paramref name="caCertificateFile"/> as a trusted CA.</summary>
    public static async Task CreateAsync(string home, string caCertificateFile, CancellationToken cancellationToken = default)
    {
        var database = Path.Combine(home, ".pki", "nssdb");
        Directory.CreateDirectory(database);
        await CertutilAsync(["-d", "sql:" + database, "-N", "--empty-password"], cancellationToken);
        // "C,,": a trusted CA for TLS servers only (not for e-mail or code signing).
        await CertutilAsync(["-d", "sql:" + database, "-A", "-t", "C,,", "-n", "stack CA", "-i", caCertificateFile], cancellationToken);
    }

    private static async Task CertutilAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync("certutil", arguments, CertutilTimeout, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"certutil {string.Join(' ', arguments)} failed (exit {result.ExitCode}): {result.Output}");
        }
    }
}
