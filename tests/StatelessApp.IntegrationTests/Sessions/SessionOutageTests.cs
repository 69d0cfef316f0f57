using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StatelessApp.Hosting.Failures;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>Redis goes down and comes back: errors are 503 ProblemDetails, the process keeps serving, recovery is automatic.</summary>
public sealed class SessionOutageTests(RedisServer redis) : IClassFixture<RedisServer>
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
            await AssertSessionUnavailableAsync(await client.PostAsync("/session/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/session-redirect/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/mvc/session/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/session-writer/during-outage", null));
            await AssertSessionUnavailableAsync(await client.PostAsync("/session-missing/during-outage", null));
            await AssertSessionUnavailableAsync(await client.GetAsync("/session"));

            var untouched = await client.GetAsync("/untouched");
            Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
            Assert.Equal("untouched", await untouched.Content.ReadAsStringAsync());

            // Degraded, still in rotation: every instance shares this Redis, and what needs no session still works. A probe
            // answers the check's last completed run (LastKnownHealthCheck): the one it starts sees Redis gone.
            async Task<(HttpStatusCode Status, string Body)> ReadinessAsync(CancellationToken token)
            {
                using var response = await client.GetAsync("/health/ready", token);
                return (response.StatusCode, await response.Content.ReadAsStringAsync(token));
            }

            var health = await Poll.UntilAsync("readiness to say Degraded", ReadinessAsync,
                answer => answer.Status != HttpStatusCode.OK || answer.Body == "Degraded", TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(100));
            Assert.Equal(HttpStatusCode.OK, health.Status);
            Assert.Equal("Degraded", health.Body);

            Assert.Contains(app.Logs.Lines, line => line.Level == LogLevel.Warning
                && line.Message.Contains("Answering 503", StringComparison.Ordinal));
            Assert.Contains(app.Logs.Lines, line => line.Level == LogLevel.Warning
                && line.Message.Contains("Redis connection to", StringComparison.Ordinal));
        }
        finally
        {
            await redis.StartAsync();
        }

        await EventuallyAnswersAsync("session writes to work again after Redis restarted", () => client.PostAsync("/session/after-outage", null));
        Assert.Equal("after-outage", await client.GetStringAsync("/session"));
        await EventuallyAnswersAsync("readiness to be OK again", () => client.GetAsync("/health/ready"));
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
            late = await SessionTestApp.StartAsync(redis, migrate: false);
            await AssertSessionUnavailableAsync(await late.CreateClient(browser).GetAsync("/session"));
        }
        finally
        {
            await redis.StartAsync();
        }

        await using (late)
        {
            var client = late.CreateClient(browser);
            await EventuallyAnswersAsync("the session to be readable again", () => client.GetAsync("/session"));
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

    private static Task<HttpStatusCode> EventuallyAnswersAsync(string what, Func<Task<HttpResponseMessage>> request) =>
        Poll.UntilAsync(what, async _ => (await request()).StatusCode, status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), interval: TimeSpan.FromMilliseconds(200));
}
