using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>An MVC action changing the session, so the commit-before-response path is proven for MVC output formatters too.</summary>
[ApiController]
public sealed class SessionTestController : ControllerBase
{
    [HttpPost("/mvc/session/{value}")]
    public async Task<IActionResult> Change(string value)
    {
        await HttpContext.Session.LoadAsync();
        HttpContext.Session.SetString("value", value);
        return Ok(new { saved = value });
    }
}
