using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace StatelessApp.Hosting.Sessions;

/// <summary>What makes <c>HttpContext.Session</c> return the Redis session.</summary>
internal sealed class RedisSessionFeature(ISession session) : ISessionFeature
{
    public ISession Session { get; set; } = session;
}
