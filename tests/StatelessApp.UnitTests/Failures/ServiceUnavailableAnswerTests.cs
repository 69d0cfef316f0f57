using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Failures;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.UnitTests.Failures;

/// <summary>Every 503 the building blocks write has the same shape: status, a sentence-case title, one Retry-After.</summary>
public sealed class ServiceUnavailableAnswerTests
{
    [Fact]
    public async Task Database_unavailable()
    {
        var context = NewContext();
        var handled = await new DatabaseUnavailableExceptionHandler(NullLogger<DatabaseUnavailableExceptionHandler>.Instance)
            .TryHandleAsync(context, new RetryLimitExceededException("retries used up", new TimeoutException()), CancellationToken.None);

        Assert.True(handled);
        await AssertServiceUnavailableAsync(context, "Database unavailable");
    }

    [Fact]
    public async Task Write_not_confirmed()
    {
        var context = NewContext();
        var handled = await new WriteNotConfirmedExceptionHandler()
            .TryHandleAsync(context, new WriteNotConfirmedException("no standby flushed it"), CancellationToken.None);

        Assert.True(handled);
        await AssertServiceUnavailableAsync(context, "Write not confirmed");
    }

    [Fact]
    public async Task Session_store_unavailable()
    {
        var context = NewContext();
        await SessionProblemResponses.WriteAsync(context, new SessionUnavailableException("save failed"));

        await AssertServiceUnavailableAsync(context, "Session store unavailable");
    }

    [Fact]
    public async Task Readiness_while_draining_carries_the_same_Retry_After()
    {
        var context = NewContext();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        var draining = new HealthReportEntry(HealthStatus.Unhealthy, "Shutting down: draining.", TimeSpan.Zero, null, null);

        await HealthResponseWriter.WriteAsync(context, new HealthReport(new Dictionary<string, HealthReportEntry> { ["draining"] = draining }, TimeSpan.Zero));

        Assert.Equal(ServiceUnavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Other_exceptions_are_left_to_the_next_handler()
    {
        var context = NewContext();
        Assert.False(await new DatabaseUnavailableExceptionHandler(NullLogger<DatabaseUnavailableExceptionHandler>.Instance)
            .TryHandleAsync(context, new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.False(await new WriteNotConfirmedExceptionHandler()
            .TryHandleAsync(context, new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    private static DefaultHttpContext NewContext() => new()
    {
        RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        Response = { Body = new MemoryStream() },
    };

    private static async Task AssertServiceUnavailableAsync(HttpContext context, string title)
    {
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal(1, ServiceUnavailable.RetryAfterSeconds);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
    }
}
