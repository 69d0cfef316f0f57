using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting.Failures;
using StatelessApp.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>Redis goes down and comes back: errors are 503 ProblemDetails, the process keeps serving, recovery is automatic.</summary>
public sealed class SessionOutageTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Redis_down_gives_503_problem_details_and_recovers_by_itself(bool kestrel)
    {
        await using var app = await SessionTestApp.StartAsync(redis, kestrel: kestrel);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/before-outage", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        redis.Stop();
        try
        {
            var failing = Stopwatch.StartNew();
            await AssertSessionUnavailableAsync(await client.PostAsync("/session/during-outage", null));
            output.WriteLine($"{(kestrel ? "Kestrel" : "TestServer")}: a session write while Redis is down answered 503 after {failing.ElapsedMilliseconds} ms");
            await AssertSessionUnavailableAsync(await client.PostAsync("/session-redirect/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/mvc/session/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/session-writer/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/session-missing/during-outage", null));
            await AssertSessionUnavailableAsync(await client.GetAsync("/session"));

            var untouched = await client.GetAsync("/untouched");
            Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
            Assert.Equal("untouched", await untouched.Content.ReadAsStringAsync());

            var health = await client.GetAsync("/health/ready");
            // Degraded, still in rotation: every instance shares this Redis, and what needs no session still works.
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());

            Assert.Contains(app.Logs.Lines, line => line.Level == LogLevel.Warning
                && line.Message.Contains("Answering 503", StringComparison.Ordinal));
            Assert.Contains(app.Logs.Lines, line => line.Level == LogLevel.Warning
                && line.Message.Contains("Redis connection to", StringComparison.Ordinal));
        }
        finally
        {
            await redis.StartAsync();
        }

        var restarted = Stopwatch.StartNew();
        var recovered = await EventuallyAsync(async () => (await client.PostAsync("/session/after-outage", null)).StatusCode == HttpStatusCode.OK);
        Assert.True(recovered, "session writes work again after Redis restarted");
        output.WriteLine($"{(kestrel ? "Kestrel" : "TestServer")}: session writes succeeded again {restarted.ElapsedMilliseconds} ms after Redis answered PING");
        Assert.Equal("after-outage", await client.GetStringAsync("/session"));
        Assert.True(await EventuallyAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK));
        Assert.Contains(app.Logs.Lines, line => line.Message.Contains("restored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Instance_started_while_Redis_is_down_answers_503_for_an_existing_session_not_an_empty_one()
    {
        var browser = new Browser();
        await using (var first = await SessionTestApp.StartAsync(redis))
        {
            (await first.CreateClient(browser).PostAsync("/session/kept", null)).EnsureSuccessStatusCode();
        }

        redis.Stop();
        SessionTestApp? late = null;
        try
        {
            // This instance never read the key ring, so it cannot even decrypt the cookie: that is an outage,
            // not a bad cookie, and must not silently start an empty session.
            late = await SessionTestApp.StartAsync(redis);
            await AssertSessionUnavailableAsync(await late.CreateClient(browser).GetAsync("/session"));
        }
        finally
        {
            await redis.StartAsync();
        }

        await using (late)
        {
            var client = late.CreateClient(browser);
            Assert.True(await EventuallyAsync(async () => (await client.GetAsync("/session")).StatusCode == HttpStatusCode.OK));
            Assert.Equal("kept", await client.GetStringAsync("/session"));
        }
    }

    private static async Task AssertSessionUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Session store unavailable", JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"), "no cookie for a session that was not saved");
        Assert.Equal(TimeSpan.FromSeconds(ServiceUnavailable.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
