using StatelessApp.Bench;
using StatelessApp.Stack;

// bench/run: see BenchSettings.Usage. Exit 0 with results written, 2 on a usage error, 1 when the run failed.
BenchSettings? settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync("bench: " + e.Message);
    return 2;
}

if (settings is null)
{
    Console.WriteLine(BenchSettings.Usage);
    return 0;
}

// Ctrl-C stops the run; the stack still goes down (SystemUnderTest is disposed on the way out).
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var repository = StackPaths.FindRepositoryRoot();

// A full run with the default output is the one docs/benchmarks.md quotes: its plot goes to docs/. Smoke runs and
// other folders keep their plot next to their results, so they never overwrite the committed figures.
var defaultOutput = Path.Combine(repository, "bench", "results");
// A flood-only run has no rounds to plot: its own folder, so it never replaces the full run's results.
var floodOnly = settings.Configurations.All(c => c == BenchConfiguration.Flood);
var runFolder = settings.Quick ? Path.Combine(defaultOutput, "quick") : defaultOutput;
var output = Path.GetFullPath(settings.OutputFolder
    ?? (settings.Distance ? Path.Combine(runFolder, "distance") : settings.Quick ? runFolder : floodOnly ? Path.Combine(defaultOutput, "flood") : defaultOutput));

var png = output == defaultOutput ? Path.Combine(repository, "docs", "benchmarks.png") : Path.Combine(output, "benchmarks.png");
if (settings.Replot)
{
    var results = Path.Combine(output, "results.json");
    try
    {
        await ResultFiles.RefreshRoundRatiosAsync(results, stop.Token);
    }
    catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
    {
        await Console.Error.WriteLineAsync($"bench: cannot redraw from {Path.GetRelativePath(repository, results)}: {e.Message}");
        return 1;
    }

    var problem = await PlotRenderer.RenderAsync(repository, results, png, stop.Token);
    if (problem is not null)
    {
        await Console.Error.WriteLineAsync("bench: no plot: " + problem);
        return 1;
    }

    Console.WriteLine("plot: " + Path.GetRelativePath(repository, png));
    return 0;
}

try
{
    if (settings.Distance)
    {
        var distance = await new DistanceBenchmark(settings, repository, Console.Out, settings.KeepLogs ? Path.Combine(output, "logs") : null).RunAsync(stop.Token);
        Console.WriteLine();
        Console.WriteLine(DistanceTable.Render(distance));
        var written = await DistanceFiles.WriteAsync(distance, output, CancellationToken.None);
        Console.WriteLine("results: " + string.Join(", ", written.Select(f => Path.GetRelativePath(repository, f))));
        return 0;
    }

    var report = await new Benchmark(settings, repository, Console.Out, Path.Combine(output, "logs")).RunAsync(stop.Token);
    Console.WriteLine();
    Console.WriteLine(ReportTable.Render(report));
    var files = await ResultFiles.WriteAsync(report, output, CancellationToken.None);
    var plotProblem = floodOnly ? null : await PlotRenderer.RenderAsync(repository, files[1], png, CancellationToken.None);
    Console.WriteLine("results: " + string.Join(", ", (floodOnly ? files : files.Append(png)).Select(f => Path.GetRelativePath(repository, f))));
    if (plotProblem is not null)
    {
        await Console.Error.WriteLineAsync("bench: no plot: " + plotProblem);
    }

    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("bench: stopped; the stack was taken down");
    return 1;
}
catch (Exception e) when (e is StackException or InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException or IOException)
{
    await Console.Error.WriteLineAsync("bench: " + e.Message);
    return 1;
}
