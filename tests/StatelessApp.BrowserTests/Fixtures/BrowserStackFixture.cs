using System.Diagnostics;
using StatelessApp.BrowserTests.Browsers;
using StatelessApp.Stack;
using StatelessApp.Stack.Topology;
using StatelessApp.TestKit.Load;
using StatelessApp.TestKit.Stacks;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StatelessApp.BrowserTests.Fixtures;

/// <summary>
/// The two-region stack the browser tests walk through and break, with one Chromium per region in front of it. It runs
/// the repository's topology with every region moved by 140 in the second octet (127.1.x → 127.141.x, …) and its own
/// state folder under the temp folder, so killing a region here disturbs neither the stack tests' shared stack
/// (127.101-103.x), the drills' (127.201-203.x) nor a developer's `./stack up`.
/// </summary>
public sealed class BrowserStackFixture : IAsyncLifetime, IDisposable
{
    private readonly IMessageSink _diagnostics;
    private readonly StringWriter _output = new();
    private readonly Stopwatch _suite = Stopwatch.StartNew();
    private RegionBrowsers? _browsers;
    private bool _broken;

    public BrowserStackFixture(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), Directory.CreateTempSubdirectory("statelessapp-browser-tests-").FullName);
        Topology = StackTopology.LoadOnMovedRange(paths.TopologyFile, secondOctetOffset: 140);
        Controller = new StackController(paths, Topology, TextWriter.Synchronized(_output));
        // Every browser reaches the proxies from 127.0.0.1, the address the edge limits exempt; the app's own limits
        // (per client address, shared with the rest of the suite's traffic) are out of the way too.
        RateLimitSettings.ApplyTo(Controller.Context.AppSettings, RateLimitSettings.OutOfTheWay);
        Origin = new Uri($"https://{Topology.Domain}:{Topology.NodesOf(NodeKind.Proxy)[0].Port}/");
    }

    public StackTopology Topology { get; }

    public StackController Controller { get; }

    /// <summary>The stack's origin by its DNS name, the same in both regions (so the cookies are too).</summary>
    public Uri Origin { get; }

    public RegionBrowsers Browsers => _browsers ?? throw new InvalidOperationException("the browsers are not launched");

    /// <summary>Where tests/run keeps this project's results (--results-directory); failures' pages go below it.</summary>
    public string ResultsFolder => Path.Combine(Controller.Paths.RepositoryRoot, ".stack", "test-results", "StatelessApp.BrowserTests");

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        // The browsers start while the stack comes up: the CA is made here, before `up` (a fresh `up` wipes data, not the CA).
        var launching = LaunchBrowsersAsync(Controller.Context.Certificates.CaCertificateFile, watch);
        try
        {
            await Controller.UpAsync(new UpOptions { Fresh = true });
            Report($"stack up in {watch.Elapsed.TotalSeconds:0} s:{Environment.NewLine}{_output}");
            _browsers = await launching;
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: leave nothing running or on disk, the
            // browsers included if they started (the failure that counts is the one being thrown).
            Report($"stack or browsers FAILED after {watch.Elapsed.TotalSeconds:0} s:{Environment.NewLine}{_output}");
            await ((Task)launching).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _browsers ??= launching.IsCompletedSuccessfully ? launching.Result : null;
            await DisposeAsync();
            throw;
        }
    }

    private async Task<RegionBrowsers> LaunchBrowsersAsync(string caCertificateFile, Stopwatch watch)
    {
        var home = Path.Combine(Controller.Paths.StateRoot, "browser-home");
        await StackCaHome.CreateAsync(home, caCertificateFile);
        var browsers = await RegionBrowsers.LaunchAsync(Topology, home);
        Report($"browsers launched after {watch.Elapsed.TotalSeconds:0.0} s");
        return browsers;
    }

    /// <summary>
    /// SIGKILLs every process of a data region, as its loss would, and waits until Redis and PostgreSQL have their
    /// primary in the other region (what the shoppers there need); returns the nodes killed and how long the failover
    /// took. The next <see cref="EnsureWholeAsync"/> restores the region.
    /// </summary>
    public async Task<(IReadOnlyList<Node> Killed, TimeSpan Failover)> KillRegionAsync(string region)
    {
        _broken = true;
        var watch = Stopwatch.StartNew();
        var killed = Controller.Kill("region-" + region);
        var survivor = StackTopology.OtherRegion(region);
        foreach (var kind in new[] { NodeKind.Redis, NodeKind.Postgres })
        {
            await Poll.UntilAsync($"the {kind} primary in region {survivor}", async ct => (await Controller.PrimaryAsync(kind, ct))?.Region,
                primary => primary == survivor, TimeSpan.FromSeconds(45), interval: TimeSpan.FromMilliseconds(200));
        }

        return (killed, watch.Elapsed);
    }

    /// <summary>The stack as `up` left it: a region killed by an earlier test is started again and waited for.</summary>
    public async Task EnsureWholeAsync()
    {
        if (_broken)
        {
            var watch = Stopwatch.StartNew();
            await Controller.RestoreAsync();
            _broken = false;
            Report($"stack restored in {watch.Elapsed.TotalSeconds:0} s");
        }
    }

    public async Task DisposeAsync()
    {
        if (_browsers is not null)
        {
            await _browsers.DisposeAsync();
            _browsers = null;
        }

        await Controller.DownAsync(quiet: true);
        Controller.Dispose();
        Controller.Paths.DeleteAll();
        Report($"browser suite: {_suite.Elapsed.TotalSeconds:0} s wall time (stack up and down included)");
    }

    public void Dispose() => _output.Dispose();

    private void Report(string message) =>
        _diagnostics.OnMessage(new DiagnosticMessage($"[browser tests] {message}"));
}
