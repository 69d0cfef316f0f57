namespace StatelessApp.Hosting.RequestRates;

/// <summary>
/// This instance's requests since the last flush: three counters bumped per request (no lock, no Redis), taken and
/// reset once per <see cref="RequestRateOptions.FlushInterval"/> by <see cref="RequestRateFlusher"/>.
/// </summary>
public sealed class RequestTally
{
    private long _requests;
    private long _clientErrors;
    private long _serverErrors;

    public void Count(int statusCode)
    {
        Interlocked.Increment(ref _requests);
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }
        else if (statusCode >= 400)
        {
            Interlocked.Increment(ref _clientErrors);
        }
    }

    /// <summary>The counts since the last call, reset to zero (a request counted meanwhile goes to the next call).</summary>
    public RequestCounts Take() => new(
        Interlocked.Exchange(ref _requests, 0),
        Interlocked.Exchange(ref _clientErrors, 0),
        Interlocked.Exchange(ref _serverErrors, 0));
}

/// <summary>Requests, 4xx and 5xx answers over some span of time.</summary>
public readonly record struct RequestCounts(long Requests, long ClientErrors, long ServerErrors)
{
    public bool IsEmpty => Requests == 0 && ClientErrors == 0 && ServerErrors == 0;
}
