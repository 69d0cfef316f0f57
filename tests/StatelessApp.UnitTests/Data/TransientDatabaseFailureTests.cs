using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StatelessApp.Hosting.Data;

namespace StatelessApp.UnitTests.Data;

public sealed class TransientDatabaseFailureTests
{
    [Theory]
    [InlineData("25006")] // read_only_sql_transaction: the node was demoted
    [InlineData("57P01")] // admin_shutdown
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now
    [InlineData("40001")] // serialization_failure (Npgsql's own transient list)
    [InlineData("53300")] // too_many_connections (Npgsql's own transient list)
    public void Role_changes_restarts_and_Npgsql_transient_states_are_retried(string sqlState) =>
        Assert.True(TransientDatabaseFailure.IsTransient(Postgres(sqlState)));

    [Theory]
    [InlineData("23505")] // unique_violation: the request's fault, retrying changes nothing
    [InlineData("42P01")] // undefined_table
    [InlineData("22P02")] // invalid_text_representation
    [InlineData("28P01")] // invalid_password: configuration, not a failover
    public void Errors_the_request_or_configuration_caused_are_not_retried(string sqlState) =>
        Assert.False(TransientDatabaseFailure.IsTransient(Postgres(sqlState)));

    [Fact]
    public void A_lost_connection_is_transient() =>
        Assert.True(TransientDatabaseFailure.IsTransient(
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));

    [Fact]
    public void Failing_to_reach_every_host_is_transient()
    {
        // What NpgsqlMultiHostDataSource throws when each host refused the connection.
        var perHost = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        var exception = new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.",
            new AggregateException(perHost, perHost));
        Assert.True(TransientDatabaseFailure.IsTransient(exception));
    }

    [Fact]
    public void No_host_in_the_wanted_role_is_transient_a_failover_passes_through_that_state() =>
        Assert.True(TransientDatabaseFailure.IsTransient(new NpgsqlException("No suitable host was found.")));

    [Fact]
    public void A_timeout_is_transient() => Assert.True(TransientDatabaseFailure.IsTransient(new TimeoutException()));

    [Fact]
    public void Other_exceptions_are_not_transient()
    {
        Assert.False(TransientDatabaseFailure.IsTransient(new InvalidOperationException("read-only context")));
        Assert.False(TransientDatabaseFailure.IsTransient(new NpgsqlException("Some protocol error")));
    }

    [Fact]
    public void A_wrapped_role_change_or_an_exhausted_retry_means_database_unavailable()
    {
        var wrapped = new DbUpdateException("An error occurred while saving the entity changes.", Postgres("25006"));
        Assert.True(TransientDatabaseFailure.IsDatabaseUnavailable(wrapped));
        Assert.True(TransientDatabaseFailure.IsDatabaseUnavailable(new RetryLimitExceededException("gave up", wrapped)));
    }

    [Fact]
    public void A_constraint_violation_is_not_database_unavailable() =>
        Assert.False(TransientDatabaseFailure.IsDatabaseUnavailable(
            new DbUpdateException("An error occurred while saving the entity changes.", Postgres("23505"))));

    [Fact]
    public void The_log_reason_is_the_innermost_database_error_without_a_stack_trace()
    {
        var reason = TransientDatabaseFailure.Describe(new RetryLimitExceededException("gave up",
            new DbUpdateException("saving failed", Postgres("25006", "cannot execute INSERT in a read-only transaction"))));
        Assert.Equal("25006 cannot execute INSERT in a read-only transaction", reason);
    }

    private static PostgresException Postgres(string sqlState, string message = "test") =>
        new(message, "ERROR", "ERROR", sqlState);
}
