namespace StatelessApp.Hosting.Health;

public static class HealthTags
{
    /// <summary>Checks with this tag decide /health/ready; the Redis and PostgreSQL blocks tag theirs with it.</summary>
    public const string Ready = "ready";
}
