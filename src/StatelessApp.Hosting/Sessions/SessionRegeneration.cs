using Microsoft.AspNetCore.Http;

namespace StatelessApp.Hosting.Sessions;

public static class SessionRegeneration
{
    /// <summary>
    /// Gives the session a new id, keeping its content, bound to the request's current owner (<see cref="ISessionOwner"/>):
    /// at commit the old id is deleted and the new one saved in one Redis transaction, and the cookie replaced. Call it
    /// when the session's privilege changes (an order placed, a sign-in), so an id seen before (planted, leaked, logged)
    /// no longer names it. Returns false, changing nothing, for a session that is not this block's (Microsoft's
    /// session cannot change its id).
    /// </summary>
    /// <exception cref="SessionUnavailableException">Redis failed while loading the session first.</exception>
    public static async Task<bool> RegenerateAsync(this ISession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session is not RedisSession redisSession)
        {
            return false;
        }

        await redisSession.RegenerateAsync(cancellationToken);
        return true;
    }
}
