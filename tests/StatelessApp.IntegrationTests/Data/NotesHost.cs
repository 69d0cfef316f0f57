using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting.Data;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// A minimal web app over <see cref="NotesContext"/> wired exactly as the shop wires its context
/// (AddReplicatedDbContext + AddProblemDetails + UseExceptionHandler), on an in-memory test server.
/// POST /notes writes through the primary context, GET /notes/{id} reads through the read-only context.
/// </summary>
public sealed class NotesHost : IAsyncDisposable
{
    private NotesHost(WebApplication app, FailedCommandRecorder recorder)
    {
        App = app;
        FailedCommands = recorder;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public FailedCommandRecorder FailedCommands { get; }

    public HttpClient CreateClient() => App.GetTestClient();

    public static async Task<NotesHost> StartAsync(
        string connectionString,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Notes"] = connectionString,
            ["Database:HostRecheckSeconds"] = "1",
            ["Database:ConnectTimeoutSeconds"] = "2",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var recorder = new FailedCommandRecorder();
        builder.AddReplicatedDbContext<NotesContext>("Notes", options => options
            .AddInterceptors(recorder)
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning)));
        builder.Services.AddProblemDetails();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapPost("/notes", async (NotesContext db, string text) =>
        {
            var note = new Note { Text = text };
            db.Notes.Add(note);
            await db.SaveChangesAsync();
            return Results.Ok(note.Id);
        });
        app.MapGet("/notes/{id:int}", async (ReadOnlyDbContext<NotesContext> reader, int id) =>
            await reader.Context.Notes.SingleOrDefaultAsync(n => n.Id == id) is { } note ? Results.Ok(note.Text) : Results.NotFound());

        await app.StartAsync();
        var host = new NotesHost(app, recorder);
        await app.MigrateDatabaseAsync<NotesContext>();
        // EF's first look for its history table fails by design (42P01); only what the test does counts.
        recorder.Failures.Clear();
        return host;
    }

    /// <summary>Writes one note through the primary context in a fresh scope, returns its id.</summary>
    public async Task<int> WriteNoteAsync(string text)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesContext>();
        var note = new Note { Text = text };
        db.Notes.Add(note);
        await db.SaveChangesAsync();
        return note.Id;
    }

    /// <summary>Reads one note through the read-only context in a fresh scope, with the node that served it.</summary>
    public async Task<NoteOnServer> ReadNoteAsync(int id)
    {
        await using var scope = Services.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<ReadOnlyDbContext<NotesContext>>();
        return await ServerIdentity.ReadNoteAsync(reader.Context, id);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
