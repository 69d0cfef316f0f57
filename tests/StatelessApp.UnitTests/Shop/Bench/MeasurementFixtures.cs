using StatelessApp.Bench;

namespace StatelessApp.UnitTests.Shop.Bench;

internal static class MeasurementFixtures
{
    public static Measurement Measured(long requests, double requestsPerSecond = 100, double p99 = 10, int round = 1, double redisPerRequest = 0) => new()
    {
        Round = round,
        Configuration = "stateless",
        Scenario = "session-read",
        Request = "GET /api/cart",
        TouchesSession = true,
        Seconds = 8,
        Requests = requests,
        RequestsPerSecond = requestsPerSecond,
        P50Milliseconds = p99 / 4,
        P90Milliseconds = p99 / 2,
        P99Milliseconds = p99,
        MaxMilliseconds = p99 * 2,
        Errors = 0,
        ErrorDetail = new WrkErrors(0, 0, 0, 0, 0),
        RedisCommandsPerRequest = redisPerRequest,
        RedisCommandsPerRequestByCommand = redisPerRequest == 0 ? new Dictionary<string, double>() : new Dictionary<string, double> { ["getex"] = redisPerRequest },
        RedisBackgroundCommands = new Dictionary<string, long>(),
        PrimaryStatementsPerRequest = 0,
        StandbyStatementsPerRequest = 0,
        PoolResetsPerRequest = 0,
        StandbyShare = double.NaN,
        Statements = [],
    };
}
