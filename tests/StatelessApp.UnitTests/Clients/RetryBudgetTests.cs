using System.Net;
using StatelessApp.Hosting.Clients;
using StatelessApp.TestKit.Time;

namespace StatelessApp.UnitTests.Clients;

/// <summary>
/// How many times a request that is safe to repeat is sent while the service answers 503: capped by MaxAttempts, and by
/// the retry budget (no repeat starts later than that after the first attempt).
/// </summary>
public sealed class RetryBudgetTests
{
    [Fact]
    public async Task Within_the_budget_a_503_is_repeated_up_to_max_attempts()
    {
        var (attempts, response) = await SendGetAsync(new FailoverClientOptions
        {
            MaxAttempts = 3,
            RetryBudget = TimeSpan.FromSeconds(15),
            RetryDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        });

        Assert.Equal(3, attempts);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_zero_budget_never_repeats()
    {
        var (attempts, _) = await SendGetAsync(new FailoverClientOptions { MaxAttempts = 10, RetryBudget = TimeSpan.Zero });

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task The_budget_ends_the_repeats_before_max_attempts()
    {
        var (attempts, response) = await SendGetAsync(new FailoverClientOptions
        {
            MaxAttempts = 10,
            RetryBudget = TimeSpan.FromMilliseconds(250),
            RetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        });

        // Attempts start at 0, 100 and 200 ms; a fourth would start at 300 ms, past the budget.
        Assert.Equal(3, attempts);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_rest_of_the_budget_is_not_waited_for()
    {
        var (attempts, _) = await SendGetAsync(
            new FailoverClientOptions { MaxAttempts = 10, RetryBudget = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(2) },
            retryAfter: TimeSpan.FromSeconds(2));

        Assert.Equal(1, attempts);
    }

    private static async Task<(int Attempts, HttpResponseMessage Response)> SendGetAsync(FailoverClientOptions options, TimeSpan? retryAfter = null)
    {
        var service = new AlwaysUnavailable(retryAfter);
        var time = new SkippingTimeProvider();
        using var client = new HttpMessageInvoker(new RetrySafeRequestHandler(options, time) { InnerHandler = service });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://app.stateless.test/api/products");
        var response = await time.RunAsync(() => client.SendAsync(request, CancellationToken.None));
        return (service.Attempts, response);
    }

    /// <summary>A service that answers every request 503, counting them.</summary>
    private sealed class AlwaysUnavailable(TimeSpan? retryAfter) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => _attempts;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            if (retryAfter is { } delay)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
            }

            return Task.FromResult(response);
        }
    }
}
