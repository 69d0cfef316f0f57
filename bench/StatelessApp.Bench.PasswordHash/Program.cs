using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StatelessApp.TestKit.Statistics;

// bench/password-hash [verifications]: what one password verification (what a sign-in pays) costs with Identity's
// PasswordHasher V3 at a few iteration counts: the CPU time it takes (the process's, over the sequential runs: steady
// while other work shares the cores), hence the sign-ins per second the machine's cores can check at most; the wall
// time one thread took (median, the latency a shopper waits, longer when the cores are busy); the ratios to
// Identity's default of 100,000. After a warm-up.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
int[] iterationCounts = [100_000, 210_000, 310_000, 600_000];
var cores = Environment.ProcessorCount;
Console.WriteLine($"password-hash bench: {count} verifications per count and thread, {cores} cores, .NET {Environment.Version}, " +
                  $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"load average before: {LoadAverage()}");
Console.WriteLine($"| iterations | CPU ms per verification | ratio to 100,000 | most verifications/s on {cores} cores | wall ms, median (1 thread) |");
Console.WriteLine("|---|---|---|---|---|");

double? baseline = null;
foreach (var iterations in iterationCounts)
{
    var hasher = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));
    var hash = hasher.HashPassword(new object(), "correct horse battery staple");
    var stored = BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(hash).AsSpan(5, 4));
    if (stored != iterations)
    {
        throw new InvalidOperationException($"the hash holds {stored} iterations, not {iterations}");
    }

    Verify(hasher, hash); // warm-up: JIT, the first PBKDF2 call
    var single = new List<double>(count);
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    for (var i = 0; i < count; i++)
    {
        single.Add(Verify(hasher, hash));
    }

    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / count;
    baseline ??= cpu;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {iterations:N0} | {cpu:0.0} | {cpu / baseline.Value:0.00} | {cores * 1000 / cpu:0.0} | {Percentiles.Median(single):0.0} |"));
}

Console.WriteLine($"load average after: {LoadAverage()}");

return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static double Verify(PasswordHasher<object> hasher, string hash)
{
    var watch = Stopwatch.StartNew();
    if (hasher.VerifyHashedPassword(new object(), hash, "correct horse battery staple") != PasswordVerificationResult.Success)
    {
        throw new InvalidOperationException("the password did not verify");
    }

    return watch.Elapsed.TotalMilliseconds;
}
