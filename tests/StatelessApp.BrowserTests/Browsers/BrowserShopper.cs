using Microsoft.Playwright;

namespace StatelessApp.BrowserTests.Browsers;

/// <summary>
/// One person at one browser, whose DNS answer may change: their cookies and storage move from the browser of one
/// region to the other's (Playwright's storage state), as a real browser keeps its cookies when the stack's name starts
/// resolving to the other region's proxy. One page at a time, opened on the stack's origin. Every answer the browser
/// got is noted (when, region, status, request, instance), for the artefacts of a failed test.
/// </summary>
public sealed class BrowserShopper(string name, RegionBrowsers browsers, Uri origin) : IAsyncDisposable
{
    private IBrowserContext? _context;
    private IPage? _page;
    private readonly List<string> _answers = [];

    public string Name { get; } = name;

    /// <summary>The data region whose proxy this shopper's browser reaches now; null before the first page.</summary>
    public string? Region { get; private set; }

    public IPage Page => _page ?? throw new InvalidOperationException($"{Name} has no page yet: call {nameof(InRegionAsync)} first");

    /// <summary>One line per answer the browser received, oldest first.</summary>
    public IReadOnlyList<string> Answers
    {
        get
        {
            lock (_answers)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>
    /// The shopper's page in the browser that reaches <paramref name="region"/>, with every cookie the shopper holds (a
    /// new context when the region changes; the old one is closed, as if DNS had moved the name).
    /// </summary>
    public async Task<IPage> InRegionAsync(string region)
    {
        if (Region == region)
        {
            return Page;
        }

        var state = _context is null ? null : await _context.StorageStateAsync();
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        _context = await browsers.In(region).NewContextAsync(new BrowserNewContextOptions { BaseURL = origin.ToString(), StorageState = state });
        _page = await _context.NewPageAsync();
        _page.Response += (_, response) => Note(region, response);
        Region = region;
        return _page;
    }

    private void Note(string region, IResponse response)
    {
        var servedBy = response.Headers.TryGetValue("x-served-by", out var instance) ? instance : "-";
        lock (_answers)
        {
            _answers.Add(FormattableString.Invariant($"{DateTime.UtcNow:HH:mm:ss.fff} region {region} {response.Status} {response.Request.Method} {response.Url} served by {servedBy}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
