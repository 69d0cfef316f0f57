using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.Hosting.Data;
using StatelessApp.IntegrationTests.Data;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Postgres;
using StatelessApp.TestKit.Redis;
using StatelessApp.TestKit.Statistics;

// bench/costs [count]: what single operations cost on one machine. Waiting for a replica: a PostgreSQL commit and its
// standby confirmation (StandbyConfirmation), and a session change over HTTP with and without WAIT 1 (alternating, so
// both see the same background load; medians, so a stall does not count). Then the Redis commands Microsoft's stock
// session (AddStackExchangeRedisCache + AddSession) sends per kind of request, for docs/sessions-and-keyring.md.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
Console.WriteLine($"costs bench: {count} writes each, servers on loopback, {Environment.ProcessorCount} cores, " +
                  $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");

await using (var cluster = await PostgresCluster.StartAsync())
await using (var host = await NotesHost.StartAsync(cluster.MultiHostConnectionString,
    new Dictionary<string, string?> { ["Database:StandbyConfirmationTimeout"] = "00:00:00.500" }))
await using (var scope = host.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<NotesContext>();
    var confirmation = scope.ServiceProvider.GetRequiredService<StandbyConfirmation<NotesContext>>();
    await db.Database.OpenConnectionAsync();
    var (commit, confirm) = (new List<double>(count), new List<double>(count));
    for (var i = 0; i < count; i++)
    {
        db.Notes.Add(new Note { Text = $"note {i}" });
        var watch = Stopwatch.StartNew();
        await db.SaveChangesAsync();
        commit.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        if (await confirmation.ConfirmCommitAsync(db, CancellationToken.None) != StandbyConfirmationState.Confirmed)
        {
            throw new InvalidOperationException("a commit was not confirmed by the standby");
        }

        confirm.Add(watch.Elapsed.TotalMilliseconds);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"PostgreSQL single-row commit: median {Percentiles.Median(commit):0.00} ms; standby confirmation: median " +
        $"{Percentiles.Median(confirm):0.00} ms, p99 {Percentiles.Of(confirm, 0.99):0.00} ms"));
}

var redis = new RedisReplicaPair();
await redis.InitializeAsync();
try
{
    await using var withWait = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica(), kestrel: true);
    await using var withoutWait = await SessionTestApp.StartAsync(redis.Primary, new Dictionary<string, string?>(SingleRedisSettings.Values), kestrel: true);
    var clients = new[] { withWait.CreateClient(new Browser()), withoutWait.CreateClient(new Browser()) };
    var timings = new[] { new List<double>(count), new List<double>(count) };
    for (var i = -20; i < count; i++)
    {
        for (var app = 0; app < 2; app++)
        {
            var watch = Stopwatch.StartNew();
            (await clients[app].PostAsync(new Uri($"/session/v{i}", UriKind.Relative), null)).EnsureSuccessStatusCode();
            if (i >= 0)
            {
                timings[app].Add(watch.Elapsed.TotalMilliseconds);
            }
        }
    }

    var (with, without) = (Percentiles.Median(timings[0]), Percentiles.Median(timings[1]));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Redis session change over HTTP: median with WAIT 1 {with:0.000} ms, without {without:0.000} ms, difference {with - without:0.000} ms"));
}
finally
{
    await redis.DisposeAsync();
}

// The stock session's commit reads the session once more just to log "Session started" when Information is enabled for
// Microsoft.AspNetCore.Session: measured with the usual production setting (Warning) and with Information.
await using (var server = await RedisServer.StartNewAsync())
{
    foreach (var level in new[] { "Warning", "Information" })
    {
        await using var app = await SessionTestApp.StartAsync(server,
            new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = level }, sessions: SessionKind.Stock);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync(new Uri("/session/initial", UriKind.Relative), null)).EnsureSuccessStatusCode();
        (await client.GetAsync(new Uri("/session", UriKind.Relative))).EnsureSuccessStatusCode();
        var newcomer = app.CreateClient(new Browser());
        foreach (var (label, request) in new (string, Func<Task<HttpResponseMessage>>)[]
        {
            ("existing session, not touched", () => client.GetAsync(new Uri("/untouched", UriKind.Relative))),
            ("existing session, read only", () => client.GetAsync(new Uri("/session", UriKind.Relative))),
            ("existing session, changed", () => client.PostAsync(new Uri("/session/changed", UriKind.Relative), null)),
            ("new session, read only", () => newcomer.GetAsync(new Uri("/session", UriKind.Relative))),
            ("new session, first write", () => newcomer.PostAsync(new Uri("/session/first", UriKind.Relative), null)),
        })
        {
            var before = await server.QuietCommandCallsAsync();
            (await request()).EnsureSuccessStatusCode();
            var delta = RedisServer.Delta(before, await server.CommandCallsAsync());
            Console.WriteLine($"stock session, Microsoft.AspNetCore at {level}, {label}: {delta.Values.Sum()} commands " +
                "{" + string.Join(", ", delta.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}: {pair.Value}")) + "}");
        }
    }
}

return 0;
