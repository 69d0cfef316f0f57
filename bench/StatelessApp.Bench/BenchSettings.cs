using System.Globalization;

namespace StatelessApp.Bench;

/// <summary>How long and how hard each scenario runs; parsed from bench/run's arguments.</summary>
public sealed record BenchSettings
{
    public const string Usage = """
        Usage: bench/run [--quick] [--rounds N] [--duration SECONDS] [--warmup SECONDS] [--connections N] [--threads N]
                         [--shoppers N] [--scenarios LIST] [--configurations LIST] [--keep-logs] [--output FOLDER]
               bench/run --replot [--output FOLDER]
               bench/run --distance [--quick] [--requests N] [--scenarios LIST] [--keep-logs] [--output FOLDER]

        Brings up the two-region stack on its own address range (127.121-123.x, own state folder), and its plaintext
        twin (127.131-133.x) for the plaintext configuration. In each round, for each configuration (stateless as
        shipped, stateful, stateless with Microsoft's RedisCache session, stateless on the plaintext twin, stateless
        with Telemetry:Enabled=false (telemetry-off: what OpenTelemetry, /metrics and the request rates cost); the order
        reversed every other round) it starts ONE app instance behind region A's proxy and drives every scenario with
        wrk for a fixed time: floor (/health/live), catalogue (GET /api/products), session-read (GET /api/cart),
        cart-change (POST /api/cart/items), checkout (POST /api/checkout, a fresh cart each), sign-in-page
        (GET /Account/SignIn), sign-in (POST /Account/SignIn, a whole sign-in of one of 2 x connections accounts).
        Prints progress and a
        table of the rounds' medians with ratios, counts Redis commands, PostgreSQL statements (by node) and the servers'
        CPU per request, writes results.csv/.json/.md and the plot, and takes the stack down again.

          --quick          smoke run: 1 round, 3 s per scenario after a 1 s warm-up
                           (default: 3 rounds, 8 s per scenario after a 3 s warm-up)
          --rounds N       rounds; the report shows each figure's median over the rounds
          --duration S     measured seconds per scenario
          --warmup S       unmeasured seconds before each scenario
          --connections N  concurrent connections of wrk (default 16)
          --threads N      wrk threads (default 2)
          --shoppers N     shoppers with a session and a 3-line cart, shared by the session scenarios (default 256)
          --scenarios LIST comma-separated subset, e.g. session-read,cart-change (checkout needs cart-change)
          --configurations LIST  comma-separated subset, stateless first, e.g. stateless,plaintext (the TLS cost),
                           stateless,telemetry-off (the telemetry cost);
                           flood (once, after the rounds, the shipped limits): 8 other shoppers' p50/p99 unloaded
                           and while one client floods cookie-less POST /api/cart/items on --connections
                           connections (20 s each, 8 s with --quick), the ratio, the flood's answers, Redis memory
          --keep-logs      copy the servers' logs to OUTPUT/logs before the stack's state folder is removed
          --output DIR     where results.csv, results.json and benchmarks.png go (default: bench/results
                           with the plot in docs/benchmarks.png; bench/results/quick with --quick;
                           bench/results/flood, no plot, with --configurations flood alone)
          --replot         measure nothing: redraw the plot from the results.json already in the output folder

        The throughput rounds above run with the sites 0 ms apart (`up --no-distance`). --distance measures latency
        instead (docs/latency.md, "Measured at distance"): the stack up at 0 ms, then again at deploy/topology.env's
        round trips, app-a1 and app-b1 each alone behind its region's proxy; for floor, catalogue, session-read,
        cart-change and checkout, a client entering through region A's proxy and one through region B's sends N
        requests, 2 at a time, after a warm-up; prints p50/p99, what distance added to p50 (in ms and in round trips),
        the Redis commands on the primary and the statements per PostgreSQL node per request, each local or remote to
        the region of entry; writes distance.md/.json to bench/results/distance (bench/results/quick/distance with
        --quick). About 4 minutes (--quick: 2).
          --requests N     measured requests per scenario and entry (default 200; 40 with --quick)
        """;

    public int Rounds { get; init; } = 3;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(8);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public int Connections { get; init; } = 16;

    public int Threads { get; init; } = 2;

    public int Shoppers { get; init; } = 256;

    public bool Quick { get; init; }

    /// <summary>bench/run --distance: the latency at 0 ms and at the topology's distance instead of the throughput rounds.</summary>
    public bool Distance { get; init; }

    /// <summary>Measured requests per scenario and region of entry in a distance run.</summary>
    public int DistanceRequests { get; init; } = 200;

    public IReadOnlyList<Scenario> Scenarios { get; init; } = Scenario.All;

    /// <summary>The builds measured, <see cref="BenchConfiguration.Stateless"/> always first (the ratios are about it).</summary>
    public IReadOnlyList<BenchConfiguration> Configurations { get; init; } = BenchConfiguration.All;

    public bool KeepLogs { get; init; }

    public string? OutputFolder { get; init; }

    /// <summary>Redraw the plot from existing results instead of measuring (no stack is started).</summary>
    public bool Replot { get; init; }

    /// <summary>Null when help was asked for; throws <see cref="ArgumentException"/> naming a bad argument.</summary>
    public static BenchSettings? Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchSettings();
        if (args.Contains("--quick"))
        {
            settings = settings with { Quick = true, Rounds = 1, Duration = TimeSpan.FromSeconds(3), Warmup = TimeSpan.FromSeconds(1), DistanceRequests = 40 };
        }

        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    return null;
                case "--quick":
                    break;
                case "--rounds":
                    settings = settings with { Rounds = Number(args, ++i, "--rounds", 1, 20) };
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
                case "--keep-logs":
                    settings = settings with { KeepLogs = true };
                    break;
                case "--distance":
                    settings = settings with { Distance = true };
                    break;
                case "--requests":
                    settings = settings with { DistanceRequests = Number(args, ++i, "--requests", 10, 10_000) };
                    break;
                case "--replot":
                    settings = settings with { Replot = true };
                    break;
                case "--scenarios":
                    settings = settings with { Scenarios = ScenarioList(Text(args, ++i, "--scenarios")) };
                    break;
                case "--configurations":
                    settings = settings with { Configurations = ConfigurationList(Text(args, ++i, "--configurations")) };
                    break;
                case "--output":
                    settings = settings with { OutputFolder = Text(args, ++i, "--output") };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}' (bench/run -h lists them)");
            }
        }

        if (settings.Distance && (settings.Replot || args.Contains("--configurations")))
        {
            throw new ArgumentException("--distance measures the shipped build alone, and has no plot: without --configurations and --replot");
        }

        if (!settings.Distance && args.Contains("--requests"))
        {
            throw new ArgumentException("--requests is for --distance (the throughput rounds run for --duration)");
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

    private static List<Scenario> ScenarioList(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(name => Scenario.All.All(s => s.Name != name)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"--scenarios: unknown {string.Join(", ", unknown)} (known: {string.Join(", ", Scenario.All.Select(s => s.Name))})");
        }

        if (names.Contains(Scenario.Checkout.Name) && !names.Contains(Scenario.CartChange.Name))
        {
            throw new ArgumentException("--scenarios: checkout sizes its cart pool from cart-change's rate, so it needs cart-change too");
        }

        return [.. Scenario.All.Where(s => names.Contains(s.Name))];
    }

    private static List<BenchConfiguration> ConfigurationList(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(name => BenchConfiguration.Named(name) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"--configurations: unknown {string.Join(", ", unknown)} (known: {string.Join(", ", BenchConfiguration.All.Select(c => c.Name))})");
        }

        if (!names.Contains(BenchConfiguration.Stateless.Name) && names.Any(name => BenchConfiguration.Named(name)!.Compared))
        {
            throw new ArgumentException($"--configurations: every ratio is {BenchConfiguration.Stateless.Name} against another build, so it needs {BenchConfiguration.Stateless.Name}");
        }

        return [.. BenchConfiguration.All.Where(c => names.Contains(c.Name))];
    }

    private static string Text(IReadOnlyList<string> args, int index, string name) =>
        index < args.Count ? args[index] : throw new ArgumentException($"{name} needs a value");

    private static int Number(IReadOnlyList<string> args, int index, string name, int min, int max) =>
        int.TryParse(Text(args, index, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max} (was '{args[index]}')");
}
