using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Hosting.Operators;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Pages;

/// <summary>Which instance answered, and which Redis and PostgreSQL nodes it is using right now: for operators only (404 to others).</summary>
[RequireOperatorNetwork]
public sealed class StatusModel(StatusReporter reporter) : PageModel
{
    public StatusReport Report { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Report = await reporter.ReportAsync(cancellationToken);
}
