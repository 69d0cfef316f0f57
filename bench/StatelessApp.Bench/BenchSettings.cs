using System.Globalization;

namespace StatelessApp.Bench;

/// <summary>How long and how hard each scenario runs; parsed from bench/run's arguments.</summary>
public sealed record BenchSettings
{
    public const string Usage = """
        Usage: bench/run [--quick] [--duration SECONDS] [--warmup SECONDS] [--connections N] [--threads N]
                         [--shoppers N] [--output FOLDER]

        Brings up the two-region stack on its own address range (127.121-123.x, own state folder), then for each
        configuration (stateless as shipped, stateful, stateless with Microsoft's RedisCache session) runs ONE app
        instance behind region A's proxy and drives every scenario with wrk for a fixed time: floor (/health/live),
        catalogue (GET /api/products), session-read (GET /api/cart), cart-change (POST /api/cart/items),
        checkout (POST /api/checkout, a fresh cart each). Prints a table with ratios, counts Redis commands and
        PostgreSQL statements per request, writes results.csv/results.json, and takes the stack down again.

          --quick          smoke run: 3 s per scenario after a 1 s warm-up (default: 20 s after 5 s)
          --duration S     measured seconds per scenario
          --warmup S       unmeasured seconds before each scenario
          --connections N  concurrent connections of wrk (default 16)
          --threads N      wrk threads (default 2)
          --shoppers N     shoppers with a session and a 3-line cart, shared by the session scenarios (default 256)
          --output DIR     where results.csv, results.json and benchmarks.png go (default: bench/results
                           with the plot in docs/benchmarks.png; bench/results/quick with --quick)
        """;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public int Connections { get; init; } = 16;

    public int Threads { get; init; } = 2;

    public int Shoppers { get; init; } = 256;

    public bool Quick { get; init; }

    public string? OutputFolder { get; init; }

    /// <summary>Null when help was asked for; throws <see cref="ArgumentException"/> naming a bad argument.</summary>
    public static BenchSettings? Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchSettings();
        if (args.Contains("--quick"))
        {
            settings = settings with { Quick = true, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1) };
        }

        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    return null;
                case "--quick":
                    break;
                case "--duration":
                    settings = settings with { Duration = TimeSpan.FromSeconds(Number(args, ++i, "--duration", 1, 600)) };
                    break;
                case "--warmup":
                    settings = settings with { Warmup = TimeSpan.FromSeconds(Number(args, ++i, "--warmup", 1, 120)) };
                    break;
                case "--connections":
                    settings = settings with { Connections = Number(args, ++i, "--connections", 1, 1000) };
                    break;
                case "--threads":
                    settings = settings with { Threads = Number(args, ++i, "--threads", 1, 64) };
                    break;
                case "--shoppers":
                    settings = settings with { Shoppers = Number(args, ++i, "--shoppers", 1, 100_000) };
                    break;
                case "--output":
                    settings = settings with { OutputFolder = Text(args, ++i, "--output") };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}' (bench/run -h lists them)");
            }
        }

        if (settings.Threads > settings.Connections)
        {
            throw new ArgumentException($"--threads ({settings.Threads}) cannot exceed --connections ({settings.Connections}): wrk gives each thread at least one connection");
        }

        // Each wrk thread takes its own slice of the shoppers; with fewer shoppers than connections in a slice two
        // requests of one shopper would run at once and race on the same session (last writer wins).
        if (settings.Shoppers < settings.Connections * 2)
        {
            throw new ArgumentException($"--shoppers ({settings.Shoppers}) must be at least twice --connections ({settings.Connections})");
        }

        return settings;
    }

    private static string Text(IReadOnlyList<string> args, int index, string name) =>
        index < args.Count ? args[index] : throw new ArgumentException($"{name} needs a value");

    private static int Number(IReadOnlyList<string> args, int index, string name, int min, int max) =>
        int.TryParse(Text(args, index, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max} (was '{args[index]}')");
}
