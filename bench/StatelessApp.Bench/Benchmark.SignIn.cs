namespace StatelessApp.Bench;

/// <summary>The shop's sign-in (<see cref="AccountPool"/>), left out with the shop of an app made without the sample.</summary>
public sealed partial class Benchmark
{
    /// <summary>The accounts registered on each stack, for the whole run.</summary>
    private readonly Dictionary<LoadTarget, AccountPool> _accounts = [];

    /// <summary>
    /// Sign-in posts a new browser's form for each of a few accounts, over and over: each is a whole sign-in (the
    /// anonymous cookies it replays stay valid; the session they name was regenerated away by the first, so each finds
    /// none). The accounts are registered once per stack; the forms are made per app start, since their antiforgery
    /// tokens belong to that build's key ring.
    /// </summary>
    partial void MeasureSignIn(LoadTarget target, Wrk wrk, BenchConfiguration configuration, string pools, int round, ref Task<Measurement>? measuring,
        CancellationToken cancellationToken) =>
        measuring = MeasureSignInAsync(target, wrk, configuration, pools, round, cancellationToken);

    private async Task<Measurement> MeasureSignInAsync(LoadTarget target, Wrk wrk, BenchConfiguration configuration, string pools, int round,
        CancellationToken cancellationToken)
    {
        if (!_accounts.TryGetValue(target, out var accounts))
        {
            accounts = _accounts[target] = new AccountPool(target.Http, target.Stack.Proxy);
        }

        var count = settings.Connections * 2;
        var pool = Path.Combine(pools, $"{round}-{configuration.Name}-sign-in.txt");
        await _progress.StepAsync($"round {round}/{settings.Rounds} {configuration.Name}: {count} accounts, a new browser's sign-in form for each", async () =>
        {
            await accounts.EnsureAsync(count, cancellationToken);
            await accounts.WriteFormsAsync(pool, cancellationToken);
        });
        return await MeasureAsync(target.Stack, wrk, configuration, Scenario.SignIn, pool, pool, [], round, cancellationToken);
    }
}
