using Microsoft.Playwright;
using StatelessApp.Stack.Topology;

namespace StatelessApp.BrowserTests.Browsers;

/// <summary>
/// One headless Debian Chromium per data region, driven by Playwright: the browser "in region A" resolves the stack's
/// DNS name to region A's proxy (--host-resolver-rules), as a browser does when DNS gave it that address; "in region
/// B" to region B's. Both trust the stack CA through their HOME (<see cref="StackCaHome"/>). A shopper moves between
/// them with their cookies (<see cref="BrowserShopper"/>).
/// </summary>
public sealed class RegionBrowsers : IAsyncDisposable
{
    /// <summary>Debian's binary (deploy/local/programs.txt): Playwright downloads no browser of its own.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>A name no certificate of the stack carries, resolved like the stack's own: the browsers must refuse it.</summary>
    public static string UncertifiedName(string domain) => "uncertified." + domain;

    private readonly IPlaywright _playwright;
    private readonly Dictionary<string, IBrowser> _browsers;

    private RegionBrowsers(IPlaywright playwright, Dictionary<string, IBrowser> browsers)
    {
        _playwright = playwright;
        _browsers = browsers;
    }

    public static async Task<RegionBrowsers> LaunchAsync(StackTopology topology, string home)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var playwright = await Playwright.CreateAsync();
        var browsers = new Dictionary<string, IBrowser>();
        try
        {
            foreach (var region in StackTopology.DataRegions)
            {
                browsers[region] = await playwright.Chromium.LaunchAsync(OptionsFor(topology.Domain, topology.NodeOf(NodeKind.Proxy, region), home));
            }
        }
        catch
        {
            await Task.WhenAll(browsers.Values.Select(b => b.CloseAsync()));
            playwright.Dispose();
            throw;
        }

        return new RegionBrowsers(playwright, browsers);
    }

    /// <summary>The browser whose DNS name leads to <paramref name="region"/>'s proxy.</summary>
    public IBrowser In(string region) => _browsers[region];

    public async ValueTask DisposeAsync()
    {
        foreach (var browser in _browsers.Values)
        {
            await browser.CloseAsync();
        }

        _playwright.Dispose();
    }

    private static BrowserTypeLaunchOptions OptionsFor(string domain, Node proxy, string home)
    {
        // Playwright hands the browser this environment instead of the test's, so it is the test's with HOME replaced.
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)(e.Value ?? ""), StringComparer.Ordinal);
        environment["HOME"] = home;
        return new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Env = environment,
            Args =
            [
                $"--host-resolver-rules=MAP {domain} {proxy.Address}, MAP {UncertifiedName(domain)} {proxy.Address}",
                // Root on a container-like machine: Chromium's sandbox needs user namespaces it may not get.
                "--no-sandbox",
                "--disable-gpu",
                // Nothing but the stack: no update checks, no sync, no component downloads.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        };
    }
}
