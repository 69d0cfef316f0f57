namespace StatelessApp.Drills.Monitoring;

/// <summary>
/// One round of the <see cref="PrimaryWatch"/>: when it ended, and which PostgreSQL / Redis nodes took a write in it
/// (none: no primary; two: split brain).
/// </summary>
public readonly record struct WatchRound(long Timestamp, IReadOnlyList<string> PostgresPrimaries, IReadOnlyList<string> RedisPrimaries)
{
    public bool PostgresWritable => PostgresPrimaries.Count > 0;

    public bool RedisWritable => RedisPrimaries.Count > 0;
}
