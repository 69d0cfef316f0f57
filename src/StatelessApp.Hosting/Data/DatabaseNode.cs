using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// One PostgreSQL node of the connection string ("host:port"), a data source that reaches only that node, and its
/// region (<see cref="ReplicatedDatabaseOptions.NodeRegions"/>; null when not configured).
/// </summary>
public sealed record DatabaseNode(string Endpoint, NpgsqlDataSource DataSource, string? Region = null);
