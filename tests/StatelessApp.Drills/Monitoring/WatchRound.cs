namespace StatelessApp.Drills.Monitoring;

/// <summary>One round of the <see cref="PrimaryWatch"/>: when it ended, and whether some PostgreSQL / Redis node took a write.</summary>
public readonly record struct WatchRound(long Timestamp, bool PostgresWritable, bool RedisWritable);
