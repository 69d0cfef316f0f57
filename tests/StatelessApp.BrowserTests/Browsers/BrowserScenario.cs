using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using StatelessApp.BrowserTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.BrowserTests.Browsers;

/// <summary>
/// One browser test's shoppers, and what stays of them when it fails: each shopper's page as a full-page screenshot and
/// its HTML, and every answer their browser got, under .stack/test-results/StatelessApp.BrowserTests/failures/&lt;test&gt;/ (where tests/run keeps this
/// project's results), the paths printed with the test's output. Prints how long the scenario took.
/// </summary>
public sealed class BrowserScenario(BrowserStackFixture stack, ITestOutputHelper output, [CallerMemberName] string test = "") : IAsyncDisposable
{
    private readonly List<BrowserShopper> _shoppers = [];
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public BrowserShopper NewShopper(string name)
    {
        var shopper = new BrowserShopper(name, stack.Browsers, stack.Origin);
        _shoppers.Add(shopper);
        return shopper;
    }

    /// <summary>Runs the scenario's steps; if they fail, keeps every shopper's page before the failure propagates.</summary>
    public async Task RunAsync(Func<Task> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch (Exception failure)
        {
            output.WriteLine($"{test} failed after {_watch.Elapsed.TotalSeconds:0.0} s: {failure.GetType().Name}: {failure.Message}");
            await KeepPagesAsync();
            throw;
        }

        output.WriteLine($"{test}: {_watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>A step's progress line in the test's output (which region, what was seen).</summary>
    public void Log(string line) => output.WriteLine($"[{_watch.Elapsed.TotalSeconds,5:0.0} s] {line}");

    public async ValueTask DisposeAsync()
    {
        foreach (var shopper in _shoppers)
        {
            await shopper.DisposeAsync();
        }
    }

    private async Task KeepPagesAsync()
    {
        var folder = Path.Combine(stack.ResultsFolder, "failures", test);
        Directory.CreateDirectory(folder);
        foreach (var shopper in _shoppers.Where(s => s.Region is not null))
        {
            var stem = Path.Combine(folder, $"{shopper.Name}-region-{shopper.Region}");
            await File.WriteAllLinesAsync(Path.Combine(folder, $"{shopper.Name}-answers.txt"), shopper.Answers);
            try
            {
                await shopper.Page.ScreenshotAsync(new PageScreenshotOptions { Path = stem + ".png", FullPage = true });
                await File.WriteAllTextAsync(stem + ".html", $"<!-- {shopper.Page.Url} -->\n" + await shopper.Page.ContentAsync());
                output.WriteLine($"kept {shopper.Name}'s page ({shopper.Page.Url}): {stem}.png, {stem}.html; answers: {folder}/{shopper.Name}-answers.txt");
            }
            catch (PlaywrightException e)
            {
                output.WriteLine($"could not keep {shopper.Name}'s page: {e.Message}");
            }
        }
    }
}
