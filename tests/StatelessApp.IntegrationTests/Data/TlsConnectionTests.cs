using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StatelessApp.Stack.Security;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// The app's path to a PostgreSQL that speaks TLS only, as on the stack: Npgsql with SSL Mode=VerifyFull and the CA as
/// Root Certificate reaches both nodes encrypted; a plaintext client and a server the CA did not sign are refused.
/// </summary>
public sealed class TlsConnectionTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("statelessapp-pg-tls-").FullName;
    private PostgresCluster _cluster = null!;
    private string _caFile = "";

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        _caFile = await _cluster.RequireTlsAsync(_folder);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_app_writes_to_the_primary_and_reads_from_the_standby_over_verified_TLS()
    {
        await using var host = await NotesHost.StartAsync(Verified(_caFile));

        var id = await host.WriteNoteAsync("over TLS");
        await _cluster.WaitForReplicationAsync();
        var read = await host.ReadNoteAsync(id);

        Assert.Equal("over TLS", read.Text);
        Assert.True(read.InRecovery, "read from the standby");
        await using var scope = host.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<NotesContext>();
        Assert.True(await writer.Database.SqlQueryRaw<bool>("SELECT ssl AS \"Value\" FROM pg_stat_ssl WHERE pid = pg_backend_pid()").SingleAsync());
    }

    [Fact]
    public async Task A_plaintext_client_is_refused()
    {
        var plaintext = new NpgsqlConnectionStringBuilder(_cluster.PrimaryConnectionString) { SslMode = SslMode.Disable, Pooling = false };

        var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(plaintext.ConnectionString));

        SecurityAttempts.Record("PostgreSQL (test server, pg_hba hostssl only)", "plaintext connection, right password (sslmode=disable)",
            $"{refused.SqlState}: {refused.MessageText}", refused.SqlState == PostgresErrorCodes.InvalidAuthorizationSpecification);
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, refused.SqlState);
    }

    [Fact]
    public async Task The_app_refuses_a_server_whose_certificate_another_CA_signed()
    {
        // What an impostor on the path would present: a certificate for the right address, from a CA the app does not trust.
        using var other = CertificateAuthority.Create("Not the stack's CA");
        var otherCa = Path.Combine(_folder, "other-ca.crt");
        await File.WriteAllTextAsync(otherCa, other.Root.ExportCertificatePem() + "\n");
        var connectionString = new NpgsqlConnectionStringBuilder(Verified(otherCa)) { Host = $"127.0.0.1:{_cluster.Primary.Port}", Pooling = false };

        var refused = await Assert.ThrowsAsync<NpgsqlException>(() => OpenAsync(connectionString.ConnectionString));

        var answer = refused.InnerException?.Message ?? refused.Message;
        SecurityAttempts.Record("PostgreSQL (app → test server)", "server certificate signed by another CA (an impostor on the path)", answer, refused: true);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException);
    }

    private string Verified(string caFile) =>
        new NpgsqlConnectionStringBuilder(_cluster.MultiHostConnectionString) { SslMode = SslMode.VerifyFull, RootCertificate = caFile }.ConnectionString;

    private static async Task OpenAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
    }
}
