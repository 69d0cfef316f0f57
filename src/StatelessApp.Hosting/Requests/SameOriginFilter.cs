using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace StatelessApp.Hosting.Requests;

/// <summary>
/// Refuses an unsafe request (POST, PUT, PATCH, DELETE) that another site could have made the browser send with the
/// user's cookies. In order:
/// <list type="number">
/// <item><c>Sec-Fetch-Site: cross-site</c> or <c>same-site</c> (a sibling subdomain is another origin) → 403.
/// <c>same-origin</c>, <c>none</c> (typed by the user) and no header (a non-browser client) pass.</item>
/// <item>An <c>Origin</c> that is not the request's own (scheme and host as the client used them: behind a trusted proxy
/// X-Forwarded-Proto/Host, and the host already checked against AllowedHosts), <c>null</c> included → 403.
/// No <c>Origin</c> (a non-browser client) passes.</item>
/// <item>A POST that a plain HTML form or a no-CORS fetch could send: it must carry a JSON body
/// (<c>Content-Type: application/json</c>; <c>{}</c> will do) or the <c>X-Requested-With</c> header → else 415. Both
/// force a CORS preflight, which the app never grants. PUT, PATCH and DELETE always need one.</item>
/// </list>
/// Every refusal is ProblemDetails and one log line.
/// </summary>
internal sealed partial class SameOriginFilter(ILogger<SameOriginFilter> logger) : IEndpointFilter
{
    /// <summary>The header token a body-less POST may carry instead of a JSON body (its value is not read).</summary>
    public const string HeaderToken = "X-Requested-With";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return next(context);
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(request, StatusCodes.Status403Forbidden, "Cross-site request refused", $"Sec-Fetch-Site: {site}",
                "This endpoint accepts requests from the app's own pages and from non-browser clients only.");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrigin(request, origin))
        {
            return Refuse(request, StatusCodes.Status403Forbidden, "Cross-site request refused", $"Origin {origin} is not {request.Scheme}://{request.Host}",
                "This endpoint accepts requests from the app's own origin only.");
        }

        if (HttpMethods.IsPost(request.Method) && !IsJson(request) && !request.Headers.ContainsKey(HeaderToken))
        {
            return Refuse(request, StatusCodes.Status415UnsupportedMediaType, "JSON body required",
                $"Content-Type {(request.ContentType is { Length: > 0 } type ? type : "none")}, no {HeaderToken}",
                $"Send a JSON body (Content-Type: application/json; an empty object {{}} will do) or the {HeaderToken} header.");
        }

        return next(context);
    }

    /// <summary>Same scheme, host and port (default ports filled in); hosts compare case-insensitively.</summary>
    internal static bool IsOwnOrigin(HttpRequest request, string origin) =>
        request.Host.HasValue
        && Uri.TryCreate(origin, UriKind.Absolute, out var claimed)
        && claimed.AbsolutePath == "/"
        && Uri.TryCreate($"{request.Scheme}://{request.Host.Value}", UriKind.Absolute, out var own)
        && Uri.Compare(claimed, own, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private ValueTask<object?> Refuse(HttpRequest request, int status, string title, string reason, string detail)
    {
        LogRefused(request.Method, request.Path, status, reason);
        return ValueTask.FromResult<object?>(Results.Problem(statusCode: status, title: title, detail: detail));
    }

    // Information, not Warning: one line per refusal, and a flood of them must not read as an incident.
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Refused {Method} {Path} → {StatusCode}: {Reason}")]
    private partial void LogRefused(string method, PathString path, int statusCode, string reason);
}
