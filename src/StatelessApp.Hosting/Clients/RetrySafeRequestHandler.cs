using System.Globalization;
using System.Net;

namespace StatelessApp.Hosting.Clients;

/// <summary>
/// Repeats a request that is safe to repeat when the connection failed or the service answered 502/503/504: idempotent
/// methods, and any request that carries an <c>Idempotency-Key</c> (the server returns the first attempt's result).
/// Any other request is sent once: a POST whose connection broke may have been carried out, and only the caller can
/// tell whether doing it again is right. Repeats stop at <see cref="FailoverClientOptions.MaxAttempts"/> or when the
/// next one would start later than <see cref="FailoverClientOptions.RetryBudget"/> after the first attempt.
/// </summary>
/// <remarks>With <c>metrics</c>, each repeat is counted under <c>client</c> (<see cref="ClientMetrics"/>).</remarks>
internal sealed class RetrySafeRequestHandler(FailoverClientOptions options, TimeProvider time, ClientMetrics? metrics = null, string client = "")
    : DelegatingHandler
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly HashSet<HttpMethod> IdempotentMethods =
        [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Trace];

    public static bool IsSafeToRepeat(HttpRequestMessage request) =>
        IdempotentMethods.Contains(request.Method) || request.Headers.Contains(IdempotencyKeyHeader);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!IsSafeToRepeat(request) || options.MaxAttempts == 1)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        // The body is needed again for every repeat: buffer it once (requests of this kind are small).
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var started = time.GetTimestamp();
        bool MayRepeat(int attempt, TimeSpan pause) =>
            attempt < options.MaxAttempts && !cancellationToken.IsCancellationRequested
            && time.GetElapsedTime(started) + pause <= options.RetryBudget;

        for (var attempt = 1; ; attempt++)
        {
            var current = attempt == 1 ? request : Copy(request, body);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(current, cancellationToken);
            }
            catch (HttpRequestException) when (MayRepeat(attempt, options.RetryDelay))
            {
                metrics?.RecordRetry(client, "connection");
                await Task.Delay(options.RetryDelay, time, cancellationToken);
                continue;
            }

            if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                && Pause(response) is var pause && MayRepeat(attempt, pause))
            {
                metrics?.RecordRetry(client, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                response.Dispose();
                await Task.Delay(pause, time, cancellationToken);
                continue;
            }

            return response;
        }
    }

    private TimeSpan Pause(HttpResponseMessage response)
    {
        var asked = response.Headers.RetryAfter?.Delta ?? options.RetryDelay;
        return asked > options.MaxRetryDelay ? options.MaxRetryDelay : asked;
    }

    private static HttpRequestMessage Copy(HttpRequestMessage original, byte[]? body)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };
        foreach (var header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in original.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var option in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }
}
