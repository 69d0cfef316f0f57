using System.Globalization;
using StatelessApp.Stack;

namespace StatelessApp.Bench;

/// <summary>
/// The run: stack up, then per configuration one app instance, shoppers made through the API, and every scenario
/// warmed up and measured for a fixed time with the servers' counters read around the measured part; stack down.
/// </summary>
public sealed partial class Benchmark(BenchSettings settings, string repositoryRoot, TextWriter output, string logsCopy)
{
    /// <summary>Every pool cart holds one unit of each of the first three products; cart-change adds to those lines.</summary>
    private const int CartLines = 3;

    private readonly ProgressReporter _progress = new(output);

    /// <summary>The shop's flood (Benchmark.Flood.cs); an app made from the template without the sample has no shop to flood, nor that file.</summary>
    partial void MeasureFlood(SystemUnderTest stack, ref Task<FloodMeasurement>? measuring, CancellationToken cancellationToken);

    /// <summary>The shop's sign-in (Benchmark.SignIn.cs); an app made from the template without the sample has no accounts, nor that file.</summary>
    partial void MeasureSignIn(LoadTarget target, Wrk wrk, BenchConfiguration configuration, string pools, int round, ref Task<Measurement>? measuring,
        CancellationToken cancellationToken);

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var machineBefore = MachineSnapshot.Take();
        var plaintext = settings.Configurations.Any(c => !c.Tls);
        _progress.Line($"load average before: {machineBefore.LoadAverage}; stack up on 127.{1 + SystemUnderTest.SecondOctetOffset}-{3 + SystemUnderTest.SecondOctetOffset}.x"
            + (plaintext ? $" and its plaintext twin on 127.{1 + SystemUnderTest.PlaintextSecondOctetOffset}-{3 + SystemUnderTest.PlaintextSecondOctetOffset}.x" : "") + " (fresh, own state folders)");
        var runs = new List<Measurement>();
        FloodMeasurement? flood = null;
        var pools = Directory.CreateTempSubdirectory("statelessapp-bench-pools-");
        try
        {
            // At 0 ms between the sites (bench/run --distance measures the distance): throughput comparable with every earlier run.
            await using var shipped = await LoadTarget.UpAsync(output, settings.KeepLogs ? logsCopy : null, tls: true,
                benchHost: settings.Configurations.Any(c => c.StateMode is not null), distance: false, cancellationToken);
            // Up for the whole run when measured, so that both stacks' background work weighs on every configuration alike.
            await using var twin = plaintext
                ? await LoadTarget.UpAsync(output, settings.KeepLogs ? Path.Combine(logsCopy, "plaintext") : null, tls: false, benchHost: false, distance: false, cancellationToken)
                : null;
            LoadTarget TargetOf(BenchConfiguration configuration) => configuration.Tls ? shipped : twin!;
            var wrk = new Wrk(Path.Combine(repositoryRoot, "bench", "wrk", "shop.lua"), settings);

            var products = await shipped.Shoppers.ProductIdsAsync(cancellationToken);
            var cartProducts = products.Take(CartLines).ToList();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // Each round runs every configuration on a freshly started instance, the order reversed every other
                // round (A B C, C B A, ...): on a machine whose load comes and goes, no configuration always gets
                // the same moment, and the median of the rounds is what the report shows.
                var compared = settings.Configurations.Where(c => c.Compared).ToList();
                foreach (var configuration in round % 2 == 1 ? compared : Enumerable.Reverse(compared))
                {
                    var target = TargetOf(configuration);
                    var name = $"round {round}/{settings.Rounds} {configuration.Name}";
                    await _progress.StepAsync($"{name}: {SystemUnderTest.AppUnderTest} (re)started alone behind proxy a: {configuration.Build}",
                        () => target.Stack.RunAppAsync(configuration, cancellationToken));
                    var poolFile = Path.Combine(pools.FullName, $"{round}-{configuration.Name}-shoppers.txt");
                    await _progress.StepAsync($"{name}: {settings.Shoppers} shoppers with a {CartLines}-line cart", async () =>
                        await ShopperPool.WriteAsync(poolFile, await target.Shoppers.CreateAsync(settings.Shoppers, cartProducts, cancellationToken), cancellationToken));
                    foreach (var scenario in settings.Scenarios)
                    {
                        Task<Measurement>? signIn = null;
                        if (scenario == Scenario.SignIn)
                        {
                            MeasureSignIn(target, wrk, configuration, pools.FullName, round, ref signIn, cancellationToken);
                        }

                        var measurement = scenario == Scenario.Checkout
                            ? await MeasureCheckoutAsync(target.Stack, wrk, target.Shoppers, configuration, cartProducts, runs, pools.FullName, round, cancellationToken)
                            : signIn is not null
                            ? await signIn
                            : await MeasureAsync(target.Stack, wrk, configuration, scenario, poolFile, poolFile, cartProducts, round, cancellationToken);
                        runs.Add(measurement);
                    }
                }
            }

            if (settings.Configurations.Contains(BenchConfiguration.Flood))
            {
                await _progress.StepAsync($"flood: {SystemUnderTest.AppUnderTest} (re)started alone behind proxy a: {BenchConfiguration.Flood.Build}",
                    () => shipped.Stack.RunAppAsync(BenchConfiguration.Flood, cancellationToken));
                Task<FloodMeasurement>? measuring = null;
                MeasureFlood(shipped.Stack, ref measuring, cancellationToken);
                flood = measuring is null ? null : await measuring;
            }

            _progress.Line(plaintext ? "measured; taking both stacks down" : "measured; taking the stack down");
        }
        finally
        {
            pools.Delete(recursive: true);
        }

        var machineAfter = MachineSnapshot.Take();
        _progress.Line($"load average after: {machineAfter.LoadAverage}");
        return new BenchReport(settings, machineBefore, machineAfter, RoundSummary.MediansOf(runs), runs) { Flood = flood };
    }

    /// <summary>
    /// Checkout consumes a cart per request, so its shoppers are made for the run and each is used once. The pools
    /// are sized from the cart-change rate (a checkout does that work and more, so it is an upper bound) and from the
    /// warm-up's own checkout rate, whichever is larger, with margin: a pool that runs out would
    /// turn the last checkouts into fast 400s, so the run reports it as a warning.
    /// </summary>
    private async Task<Measurement> MeasureCheckoutAsync(SystemUnderTest stack, Wrk wrk, ShopperPool shoppers, BenchConfiguration configuration,
        IReadOnlyList<int> cartProducts, IReadOnlyList<Measurement> earlier, string pools, int round, CancellationToken cancellationToken)
    {
        // The fastest cart-change seen so far in the run, whichever configuration: one slow moment of a loaded
        // machine must not leave the next checkout with too few carts.
        var cartChangeRate = earlier.Where(m => m.Scenario == Scenario.CartChange.Name).Max(m => m.RequestsPerSecond);
        var warmupPool = Path.Combine(pools, $"{round}-{configuration.Name}-checkout-warmup.txt");
        var warmupCarts = PoolSize(cartChangeRate * 1.2, settings.Warmup);
        await _progress.StepAsync($"round {round}/{settings.Rounds} {configuration.Name}: {warmupCarts} carts for the checkout warm-up", async () =>
            await ShopperPool.WriteAsync(warmupPool, await shoppers.CreateAsync(warmupCarts, cartProducts.Take(1).ToList(), cancellationToken), cancellationToken));
        var warmup = await wrk.RunAsync(stack.Proxy, Scenario.Checkout, warmupPool, settings.Warmup, [], cancellationToken);
        var checkoutRate = (warmup.Requests - warmup.Errors.Total) / warmup.Seconds;

        var measuredPool = Path.Combine(pools, $"{round}-{configuration.Name}-checkout.txt");
        var measuredCarts = PoolSize(Math.Max(checkoutRate * 1.5, cartChangeRate * 1.2), settings.Duration);
        await _progress.StepAsync($"round {round}/{settings.Rounds} {configuration.Name}: {measuredCarts} carts for the measured checkouts (warm-up placed {checkoutRate:0} orders/s)", async () =>
            await ShopperPool.WriteAsync(measuredPool, await shoppers.CreateAsync(measuredCarts, cartProducts.Take(1).ToList(), cancellationToken), cancellationToken));
        return await MeasureAsync(stack, wrk, configuration, Scenario.Checkout, warmupPool: null, measuredPool, [], round, cancellationToken);
    }

    private int PoolSize(double rate, TimeSpan seconds) =>
        (int)Math.Ceiling(rate * seconds.TotalSeconds) + (settings.Connections * 2);

    private async Task<Measurement> MeasureAsync(SystemUnderTest stack, Wrk wrk, BenchConfiguration configuration, Scenario scenario,
        string? warmupPool, string measuredPool, IReadOnlyList<int> cartProducts, int round, CancellationToken cancellationToken)
    {
        var label = $"r{round} {configuration.Name,-11} {scenario.Name,-12}";
        if (warmupPool is not null)
        {
            await wrk.RunAsync(stack.Proxy, scenario, warmupPool, settings.Warmup, cartProducts, cancellationToken);
        }

        _progress.Line($"{label} measuring {settings.Duration.TotalSeconds:0} s: {scenario.Request} ({scenario.Description})");
        var before = await ServerCosts.SnapshotAsync(stack, cancellationToken);
        var result = await wrk.RunAsync(stack.Proxy, scenario, measuredPool, settings.Duration, cartProducts, cancellationToken);
        // Requests still in flight when wrk stopped finish within a moment; count their commands with the run.
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        var after = await ServerCosts.SnapshotAsync(stack, cancellationToken);

        var measurement = before.Attribute(after, new Measurement
        {
            Round = round,
            Configuration = configuration.Name,
            Scenario = scenario.Name,
            Request = scenario.Request,
            TouchesSession = scenario.TouchesSession,
            Seconds = result.Seconds,
            Requests = result.Requests,
            RequestsPerSecond = result.RequestsPerSecond,
            P50Milliseconds = result.LatencyMicroseconds.P50 / 1000.0,
            P90Milliseconds = result.LatencyMicroseconds.P90 / 1000.0,
            P99Milliseconds = result.LatencyMicroseconds.P99 / 1000.0,
            MaxMilliseconds = result.LatencyMicroseconds.Max / 1000.0,
            Errors = result.Errors.Total,
            ErrorDetail = result.Errors,
            RedisCommandsPerRequest = 0,
            RedisCommandsPerRequestByCommand = new Dictionary<string, double>(),
            RedisBackgroundCommands = new Dictionary<string, long>(),
            PrimaryStatementsPerRequest = 0,
            StandbyStatementsPerRequest = 0,
            PoolResetsPerRequest = 0,
            StandbyShare = double.NaN,
            Statements = [],
            Warning = scenario == Scenario.Checkout && result.PoolWraps > 0
                ? "the cart pool ran out: later checkouts met an empty cart (400, counted as errors)"
                : null,
        });
        _progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"{label} {measurement.RequestsPerSecond,7:0} req/s  p50 {measurement.P50Milliseconds,6:0.00} ms  p99 {measurement.P99Milliseconds,7:0.00} ms  errors {measurement.Errors}  "
            + $"redis {measurement.RedisCommandsPerRequest:0.00}/req  pg primary {measurement.PrimaryStatementsPerRequest:0.00} standby {measurement.StandbyStatementsPerRequest:0.00}/req"));
        return measurement;
    }
}
