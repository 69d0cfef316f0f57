using Npgsql;

namespace StatelessApp.Hosting.Data.Migrations;

/// <summary>
/// One row per release that ran <c>migrate</c> on a database: the schema footprint its model maps. The release that
/// migrated last before the current one is the one still running during a rolling upgrade (and the one a rollback
/// returns to), so its footprint is what pending migrations are checked against. Kept beside EF's history table,
/// owned by the schema's owner like it.
/// </summary>
internal static class ReleaseSchemaHistory
{
    public const string Table = "__release_schemas";

    public static async Task EnsureCreatedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
             CREATE TABLE IF NOT EXISTS "{Table}" (
                 app text NOT NULL,
                 release text NOT NULL,
                 footprint jsonb NOT NULL,
                 last_migration text,
                 migrated_at timestamptz NOT NULL DEFAULT now(),
                 PRIMARY KEY (app, release))
             """, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The release of <paramref name="app"/> that migrated last, other than <paramref name="current"/>; null if none.</summary>
    public static async Task<RecordedRelease?> PreviousAsync(NpgsqlConnection connection, string app, string current, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""SELECT release, footprint::text FROM "{Table}" WHERE app = $1 AND release <> $2 ORDER BY migrated_at DESC LIMIT 1""", connection)
        {
            Parameters = { new() { Value = app }, new() { Value = current } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RecordedRelease(reader.GetString(0), SchemaFootprint.FromJson(reader.GetString(1)))
            : null;
    }

    public static async Task RecordAsync(
        NpgsqlConnection connection, string app, string release, SchemaFootprint footprint, string? lastMigration, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
             INSERT INTO "{Table}" (app, release, footprint, last_migration) VALUES ($1, $2, $3::jsonb, $4)
             ON CONFLICT (app, release) DO UPDATE SET footprint = excluded.footprint, last_migration = excluded.last_migration, migrated_at = now()
             """, connection)
        {
            Parameters =
            {
                new() { Value = app },
                new() { Value = release },
                new() { Value = footprint.ToJson() },
                new() { Value = (object?)lastMigration ?? DBNull.Value },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A release recorded by <see cref="ReleaseSchemaHistory"/>, or derived from the last applied migration.</summary>
internal sealed record RecordedRelease(string Release, SchemaFootprint Footprint);
