using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// "postgres-primary": can this instance reach a writable primary right now? Opens a connection through the primary view
/// and runs SELECT 1. With the pool warm that is one round trip, cheap enough for a probe every 500 ms.
/// </summary>
internal sealed class PrimaryDatabaseHealthCheck(ReplicatedDataSource dataSource, TimeSpan timeout) : IHealthCheck
{
    public const string Name = "postgres-primary";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(timeout);
        try
        {
            await using var connection = await dataSource.Primary.OpenConnectionAsync(budget.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(budget.Token);
            return HealthCheckResult.Healthy($"primary {connection.Host}:{connection.Port}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"no answer from a primary within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"no writable primary reachable: {TransientDatabaseFailure.Describe(e)}");
        }
    }
}
