using System.Globalization;

namespace StatelessApp.Drills.Results;

/// <summary>The figures of one drill, as the table prints them.</summary>
public sealed record DrillResult(string Drill)
{
    public int Requests { get; init; }

    public int Ok { get; init; }

    /// <summary>Requests not acknowledged, by final status ("503", "timeout", "ConnectionError", …).</summary>
    public IReadOnlyDictionary<string, int> NotOkByStatus { get; init; } = new Dictionary<string, int>();

    /// <summary>Writes whose outcome the client could not know (5xx, timeout, connection lost).</summary>
    public int Unknown { get; init; }

    public int AcknowledgedOrders { get; init; }

    public int AcknowledgedOrdersLost { get; init; }

    public int DuplicateOrders { get; init; }

    public int SessionsLost { get; init; }

    public int CookiesNotDecrypting { get; init; }

    /// <summary>Seconds from the fault until checkouts (PostgreSQL writes) succeeded again; 0 when none failed; null when they did not recover before the heal.</summary>
    public double? DatabaseWritesBackAfter { get; init; }

    /// <summary>The same for cart changes (session writes to Redis).</summary>
    public double? SessionWritesBackAfter { get; init; }

    /// <summary>
    /// Seconds from the fault until some PostgreSQL node took a write again, as the primary watch saw it (server side,
    /// whatever the clients' retries hid); 0 when one always did; null when none did before the heal.
    /// </summary>
    public double? PostgresWritableAfter { get; init; }

    /// <summary>The same for Redis (a SET accepted by some node).</summary>
    public double? RedisWritableAfter { get; init; }

    public int PostgresTwoPrimaryRounds { get; init; }

    public int RedisTwoPrimaryRounds { get; init; }

    public int WatchRounds { get; init; }

    public int ServedByA { get; init; }

    public int ServedByB { get; init; }

    public double Seconds { get; init; }

    public string Notes { get; init; } = "";

    /// <summary>What a drill measures beyond the failover figures (a backup's and a restore's times, the recovery point); empty for the others.</summary>
    public string Measured { get; init; } = "";

    /// <summary>Every alert that fired during the drill, as Prometheus names the series (<c>TargetDown{job="redis",…}</c>).</summary>
    public IReadOnlyList<string> AlertsFired { get; init; } = [];

    /// <summary>Expected alerts that did not fire and alerts that fired unexpectedly: each a missed target.</summary>
    public IReadOnlyList<string> AlertProblems { get; init; } = [];

    public int NotOk => Requests - Ok;

    public string FormatNotOk() => NotOk == 0
        ? "0"
        : $"{NotOk} ({string.Join(", ", NotOkByStatus.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key}×{kv.Value}"))})";

    public static string Seconds1(double? value, string whenNull = "not before heal") =>
        value is null ? whenNull : value.Value.ToString("0.0", CultureInfo.InvariantCulture);
}
