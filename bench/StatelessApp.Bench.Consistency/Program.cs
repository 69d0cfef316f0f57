using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.Hosting.Consistency;
using StatelessApp.IntegrationTests.Data;
using StatelessApp.TestKit.Postgres;
using StatelessApp.TestKit.Statistics;

// bench/consistency [iterations]: for each scenario, the same reads with the token check (header token) and without it
// (no token: straight to a standby), interleaved in one run, on a real primary + streaming standby.
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;

await using var cluster = await PostgresCluster.StartAsync();
var connectionString = (await cluster.CreateDatabaseAsync("bench"));
await using var host = await NotesHost.StartAsync(connectionString,
    configureServices: services => services.AddConsistencyTokens<NotesContext>());
await cluster.WaitForReplicationAsync();
var metrics = host.Services.GetRequiredService<ConsistencyMetrics>();
using var client = host.CreateClient();

Console.WriteLine($"consistency bench: {iterations} iterations per scenario, PostgreSQL primary + 1 streaming standby on loopback, " +
                  $"{Environment.ProcessorCount} cores, MaxWait 50 ms");
Console.WriteLine();
Console.WriteLine("scenario                                  | reads  | standby share | p50 ms | p99 ms | baseline p50/p99 ms | added p50/p99 ms | stale w/o token");

await RunAsync("read right after own write", iterations, readOldToken: false);
await RunAsync("read with an older token (100 ms)", iterations / 10, readOldToken: true);
await cluster.SetStandbyApplyDelayAsync(TimeSpan.FromMilliseconds(300));
await cluster.WaitForReplicationAsync();
await RunAsync("right after write, standby 300 ms behind", iterations / 10, readOldToken: false);
await cluster.SetStandbyApplyDelayAsync(TimeSpan.Zero);
await cluster.WaitForReplicationAsync();
return 0;

async Task RunAsync(string name, int count, bool readOldToken)
{
    var checkedTimes = new List<double>(count);
    var baselineTimes = new List<double>(count);
    var staleBaseline = 0;
    var before = metrics.Snapshot();
    for (var i = 0; i < count; i++)
    {
        var (id, token) = await WriteAsync(i);
        if (readOldToken)
        {
            await Task.Delay(100);
        }

        // Alternate which read goes first, so neither always benefits from the other's warm-up.
        if (i % 2 == 0)
        {
            checkedTimes.Add(await TimedReadAsync(id, token));
            if (await ReadStatusAsync(id, token: null) is var (status, ms)) { baselineTimes.Add(ms); staleBaseline += status == HttpStatusCode.NotFound ? 1 : 0; }
        }
        else
        {
            if (await ReadStatusAsync(id, token: null) is var (status, ms)) { baselineTimes.Add(ms); staleBaseline += status == HttpStatusCode.NotFound ? 1 : 0; }
            checkedTimes.Add(await TimedReadAsync(id, token));
        }
    }

    var after = metrics.Snapshot();
    // Token-less reads all go to the standby; the token reads are the rest.
    var tokenReads = count;
    var tokenOnStandby = after.StandbyReads - before.StandbyReads - count;
    var share = (double)tokenOnStandby / tokenReads;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-41} | {tokenReads,6} | {share,12:P1} | {P(checkedTimes, 50),6:0.00} | {P(checkedTimes, 99),6:0.00} | " +
        $"{P(baselineTimes, 50),8:0.00} / {P(baselineTimes, 99),-8:0.00} | {P(checkedTimes, 50) - P(baselineTimes, 50),6:0.00} / {P(checkedTimes, 99) - P(baselineTimes, 99),-7:0.00} | {staleBaseline,5}/{count}"));
}

async Task<(int Id, string Token)> WriteAsync(int i)
{
    var response = await client.PostAsync($"notes?text=bench{i}", content: null);
    response.EnsureSuccessStatusCode();
    return (int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture),
        response.Headers.GetValues(ConsistencyScope.HeaderName).Single());
}

async Task<double> TimedReadAsync(int id, string token)
{
    var (status, ms) = await ReadStatusAsync(id, token);
    if (status != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"a read with its token was stale: {status}");
    }

    return ms;
}

async Task<(HttpStatusCode Status, double Milliseconds)> ReadStatusAsync(int id, string? token)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"notes/{id}");
    if (token is not null)
    {
        request.Headers.Add(ConsistencyScope.HeaderName, token);
    }

    var clock = Stopwatch.StartNew();
    using var response = await client.SendAsync(request);
    await response.Content.ReadAsStringAsync();
    return (response.StatusCode, clock.Elapsed.TotalMilliseconds);
}

static double P(List<double> values, int percentile) => values.Count == 0 ? 0 : Percentiles.Of(values, percentile / 100.0);
