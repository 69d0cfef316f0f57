using Microsoft.EntityFrameworkCore;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>Which PostgreSQL node answered a query: its port and whether it is a standby (in recovery).</summary>
public sealed class ServerIdentity
{
    public int Port { get; set; }

    public bool InRecovery { get; set; }

    /// <summary>Reads a note AND the identity of the node that served it, in one statement on one connection.</summary>
    public static Task<NoteOnServer> ReadNoteAsync(DbContext context, int id) =>
        context.Database
            .SqlQuery<NoteOnServer>($"""SELECT text AS "Text", inet_server_port() AS "Port", pg_is_in_recovery() AS "InRecovery" FROM notes WHERE id = {id}""")
            .SingleAsync();

    public static Task<ServerIdentity> OfAsync(DbContext context) =>
        context.Database
            .SqlQueryRaw<ServerIdentity>("""SELECT inet_server_port() AS "Port", pg_is_in_recovery() AS "InRecovery" """)
            .SingleAsync();
}

public sealed class NoteOnServer
{
    public string Text { get; set; } = "";

    public int Port { get; set; }

    public bool InRecovery { get; set; }
}
