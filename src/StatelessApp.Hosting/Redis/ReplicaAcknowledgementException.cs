using System.Globalization;

namespace StatelessApp.Hosting.Redis;

/// <summary>
/// A write reached the Redis primary but not enough replicas confirmed it in time: it may be lost in a failover, so it
/// must not be acknowledged to the client. A <see cref="TimeoutException"/>, so that every place that already turns a
/// Redis timeout into a 503 treats it the same way.
/// </summary>
public sealed class ReplicaAcknowledgementException : TimeoutException
{
    public ReplicaAcknowledgementException()
    {
    }

    public ReplicaAcknowledgementException(string message)
        : base(message)
    {
    }

    public ReplicaAcknowledgementException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReplicaAcknowledgementException(string what, int required, long acknowledged, TimeSpan timeout)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {acknowledged} of {required} required Redis replica(s) confirmed the write within {timeout.TotalMilliseconds:0} ms."))
    {
        Required = required;
        Acknowledged = acknowledged;
    }

    public int Required { get; }

    public long Acknowledged { get; }
}
