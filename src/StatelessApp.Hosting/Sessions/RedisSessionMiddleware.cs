using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// Puts a <see cref="RedisSession"/> behind <c>HttpContext.Session</c> and guarantees it is saved before the
/// response starts, whatever produces the response (MVC, Razor Pages, minimal APIs, raw delegates):
/// <list type="number">
/// <item>the response body is gated (<see cref="SessionGatedResponseBody"/>): whatever starts the response awaits the commit;</item>
/// <item>responses without a body (redirects, 204) are committed when the pipeline returns;</item>
/// <item>a Response.OnStarting callback catches anything that starts the response some other way.</item>
/// </list>
/// A failed save or load becomes 503 ProblemDetails (never a 200 with the change lost); a request that throws
/// saves nothing.
/// </summary>
internal sealed class RedisSessionMiddleware(RequestDelegate next, RedisSessionStore store, ILogger<RedisSessionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var session = store.Create(context);
        var gate = new SessionCommitGate(session, context.RequestAborted);
        var serverBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var gatedBody = new SessionGatedResponseBody(serverBody, gate);

        context.Features.Set<ISessionFeature>(new RedisSessionFeature(session));
        context.Features.Set<IHttpResponseBodyFeature>(gatedBody);
        context.Response.OnStarting(CommitIfNotYetAttempted, gate);
        try
        {
            await next(context);
            await gate.EnsureCommittedAsync();
            await gatedBody.FlushPendingAsync();
        }
        catch (Exception ex)
        {
            gate.Abandon();
            context.Features.Set(serverBody);
            var sessionException = SessionProblemResponses.FindSessionException(ex);
            if (sessionException is null)
            {
                throw;
            }

            if (context.Response.HasStarted)
            {
                SessionLog.FailedAfterResponseStarted(logger, context.Request.Method, context.Request.Path, sessionException.Message);
                throw;
            }

            SessionLog.AnsweredWithProblem(logger, SessionProblemResponses.StatusCodeFor(sessionException),
                context.Request.Method, context.Request.Path, sessionException.Message);
            await SessionProblemResponses.WriteAsync(context, sessionException);
        }
        finally
        {
            context.Features.Set(serverBody);
            context.Features.Set<ISessionFeature>(null);
        }
    }

    // Last line of defence for a response started without going through the gated body (e.g. by a feature
    // captured before this middleware ran). Throwing here makes the server fail the response instead of
    // sending a 200 for a change that was not saved.
    private static Task CommitIfNotYetAttempted(object state)
    {
        var gate = (SessionCommitGate)state;
        return gate.Attempted ? Task.CompletedTask : gate.EnsureCommittedAsync();
    }
}
