namespace StatelessApp.Hosting.Health;

public static class HealthTags
{
    /// <summary>
    /// Checks with this tag are reported by /health/ready. Only an Unhealthy one (the instance is draining) makes it 503;
    /// the Redis and PostgreSQL checks report Degraded when their server is unreachable, because every instance shares
    /// those servers: taking all instances out of the proxies at once would turn a partial outage into a total one.
    /// </summary>
    public const string Ready = "ready";
}
