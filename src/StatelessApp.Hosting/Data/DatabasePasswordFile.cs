using Npgsql;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// The password of the app's database role, read from a file (<see cref="ReplicatedDatabaseOptions.PasswordFile"/>) each
/// time a physical connection is opened. PostgreSQL holds one password per role: when it changes, the file is rewritten
/// right after and every instance's next connection logs in with the new one, with no restart; only a connection opened
/// between the two steps is refused (docs/operations.md, "Rotating secrets").
/// </summary>
internal static class DatabasePasswordFile
{
    /// <summary>Gives the data source's connections their password from <paramref name="path"/>.</summary>
    public static void Use(NpgsqlDataSourceBuilder builder, string path)
    {
        builder.UsePasswordProvider(_ => Read(path), (_, cancellationToken) => ReadAsync(path, cancellationToken));
    }

    /// <summary>Whether the file can be read now, for the start-up check; null when it can, else why not.</summary>
    public static string? Unreadable(string path)
    {
        try
        {
            return Password(File.ReadAllText(path)).Length == 0 ? "it is empty" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private static string Read(string path)
    {
        try
        {
            return Password(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, e);
        }
    }

    private static async ValueTask<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return Password(await File.ReadAllTextAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, e);
        }
    }

    // Files written by hand or by `echo` end with a newline that is not part of the password.
    private static string Password(string content) => content.TrimEnd('\r', '\n');

    // An NpgsqlException, as any other failure to connect: the request is answered 503 and the cause logged.
    private static NpgsqlException Unavailable(string path, Exception cause) =>
        new($"{ReplicatedDatabaseOptions.SectionName}:PasswordFile '{path}' cannot be read: {cause.Message}", cause);
}
