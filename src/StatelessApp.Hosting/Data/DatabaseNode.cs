using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>One PostgreSQL node of the connection string ("host:port") and a data source that reaches only that node.</summary>
public sealed record DatabaseNode(string Endpoint, NpgsqlDataSource DataSource);
