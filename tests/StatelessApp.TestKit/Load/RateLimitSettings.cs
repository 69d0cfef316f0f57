using System.Globalization;

namespace StatelessApp.TestKit.Load;

/// <summary>
/// App settings (RateLimits:*) for a stack whose load comes from one client address at the rate the machine allows (the
/// drills, the benchmarks, most stack tests): the limits still count every request in Redis, as in production, but their
/// thresholds are out of the way. The tests of the limits themselves set their own. The sign-in limit per account stays
/// as shipped: tests name fresh accounts and sign each in a few times; only the per-address one is in the way.
/// </summary>
public static class RateLimitSettings
{
    private const int Unreachable = 1_000_000;

    public static IReadOnlyDictionary<string, string> OutOfTheWay { get; } = new Dictionary<string, string>
    {
        ["RateLimits:Client:PermitLimit"] = Unreachable.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:User:PermitLimit"] = Unreachable.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Orders:PermitLimit"] = Unreachable.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignInPerClient:PermitLimit"] = Unreachable.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Adds <paramref name="settings"/> to a stack's app settings (StackContext.AppSettings).</summary>
    public static void ApplyTo(IDictionary<string, string> appSettings, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(appSettings);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in settings)
        {
            appSettings[key] = value;
        }
    }
}
