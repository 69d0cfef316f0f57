using Microsoft.AspNetCore.Diagnostics;
using StatelessApp.Hosting.RateLimiting;

namespace StatelessApp.Web.Shop;

/// <summary>An order over the cap: 429 "Too many requests", limit "Orders", Retry-After; one Information line, no error.</summary>
internal sealed partial class OrderCapExceptionHandler(ILogger<OrderCapExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not OrderCapExceededException refused)
        {
            return false;
        }

        LogRefused(refused.Message);
        await TooManyRequests.WriteAsync(httpContext, OrderCap.Name, refused.RetryAfterSeconds, refused.Message);
        return true;
    }

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "Checkout refused with 429: {Reason}")]
    private partial void LogRefused(string reason);
}
