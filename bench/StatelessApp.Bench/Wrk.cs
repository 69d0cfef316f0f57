using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace StatelessApp.Bench;

/// <summary>
/// Runs wrk (Debian's package) with bench/wrk/shop.lua for a fixed time and reads the figures it prints. Over HTTPS wrk
/// checks no certificate (it has no option to): the one client of the stack that does not, a load generator on loopback
/// whose answers the .NET client (which checks the stack's CA) has already vouched for.
/// </summary>
public sealed class Wrk(string script, BenchSettings settings)
{
    private const string ResultMarker = "BENCH-RESULT ";

    /// <summary>A request not answered within this is a timeout error, not a latency.</summary>
    private const string RequestTimeout = "10s";

    public async Task<WrkResult> RunAsync(Uri target, Scenario scenario, string poolFile, TimeSpan duration, IReadOnlyList<int> cartProducts, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-t", Invariant(settings.Threads), "-c", Invariant(settings.Connections), "-d", Invariant((int)duration.TotalSeconds) + "s",
            "--timeout", RequestTimeout, "-s", script, target.ToString().TrimEnd('/'),
            "--", scenario.Name, poolFile, Invariant(settings.Threads), .. cartProducts.Select(Invariant),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run wrk (apt-get install wrk)");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output;
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"wrk {scenario.Name} failed (exit {process.ExitCode}):\n{text}\n{await errors}");
        }

        return JsonSerializer.Deserialize<WrkResult>(line[ResultMarker.Length..], JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("wrk printed an empty result");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
