using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// Rolls app instances one at a time: drain (SIGTERM; the instance's readiness fails, and it keeps serving for its drain
/// delay while the proxies take it out), stop, start with <see cref="RolloutStart"/>, wait until it is ready, reports the
/// release's version and is back in every proxy, next. The others keep serving meanwhile. Used by `upgrade`,
/// `rollback` and secret rotation.
/// </summary>
public sealed class AppRollout(StackController stack, TextWriter output)
{
    private readonly ProcessSupervisor _supervisor = new(stack.Paths);

    /// <summary>Rolls <paramref name="instances"/> in the order given (see <see cref="RolloutOrder"/>), one line each.</summary>
    public async Task<IReadOnlyList<InstanceRoll>> RunAsync(IReadOnlyList<Node> instances, RolloutStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(start);
        var rolls = new List<InstanceRoll>();
        foreach (var instance in instances)
        {
            var roll = await RollAsync(instance, start, cancellationToken);
            output.WriteLine(Describe(roll, start.Release));
            rolls.Add(roll);
        }

        return rolls;
    }

    private async Task<InstanceRoll> RollAsync(Node instance, RolloutStart start, CancellationToken cancellationToken)
    {
        if (instance.Kind != NodeKind.App)
        {
            throw new ArgumentException($"{instance.Name} is not an app instance", nameof(instance));
        }

        var server = (AppServer)stack.ServerOf(instance);
        var watch = Stopwatch.StartNew();
        TimeSpan? outOfProxies = null;
        if (_supervisor.RunningPid(instance.Name) is { } pid)
        {
            Signals.SendToGroup(pid, Signals.Terminate);
            if (stack.Context.ProxyKind == ProxyKind.Haproxy)
            {
                // The instance keeps accepting for its drain delay: this wait must end within it (reported if not).
                await stack.WaitUntilAsync($"{instance.Name} out of every proxy", Proxies,
                    ct => ProxyRotation.DisagreeingAsync(instance, inRotation: false, stack.Context, ct), cancellationToken);
                outOfProxies = watch.Elapsed;
                if (outOfProxies > AppServer.DrainDelay)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  warning: the proxies took {instance.Name} out after {outOfProxies.Value.TotalSeconds:0.0}s, later than its drain delay ({AppServer.DrainDelay.TotalSeconds:0}s): requests sent meanwhile were refused and retried"));
                }
            }

            // Already signalled: this waits for the exit (in-flight requests finish), and kills after the stop grace.
            await _supervisor.StopAsync(instance.Name, () => server.Companions(instance, stack.Context), server.StopGrace);
        }

        var stopped = watch.Elapsed;
        server.Prepare(instance, stack.Context);
        var spec = AppServer.LaunchFrom(instance, stack.Context, start.Release.Assembly);
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal);
        AppServer.AddSettings(environment, start.Settings);
        _supervisor.Start(instance.Name, stack.Context.InSite(instance, spec with { Environment = environment }));
        await stack.WaitUntilAsync($"{instance.Name} ready on {start.Release.Version} and back in every proxy", [instance],
            ct => NotBackAsync(instance, start.Release, ct), cancellationToken);
        return new InstanceRoll(instance, outOfProxies, stopped, watch.Elapsed - stopped, watch.Elapsed);
    }

    private IReadOnlyList<Node> Proxies => [.. stack.Topology.NodesOf(NodeKind.Proxy).Where(stack.Context.Runs)];

    /// <summary>What keeps a started instance from counting as back: not healthy, another version, not in every proxy.</summary>
    private async Task<IReadOnlyList<string>> NotBackAsync(Node instance, AppRelease release, CancellationToken cancellationToken)
    {
        var probe = await stack.ProbeAsync(instance, cancellationToken);
        if (!probe.Healthy)
        {
            return [$"{instance.Name}: {probe.Detail}"];
        }

        var version = await VersionOfAsync(instance, stack.Context, cancellationToken);
        if (version != release.Version)
        {
            return [$"{instance.Name} reports version {version ?? "?"}, not {release.Version}"];
        }

        return await ProxyRotation.DisagreeingAsync(instance, inRotation: true, stack.Context, cancellationToken);
    }

    /// <summary>The version an instance reports to operators (/api/status, operator networks only); null when it does not answer.</summary>
    public static async Task<string?> VersionOfAsync(Node instance, StackContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var status = await context.Http.GetFromJsonAsync<JsonDocument>(new Uri($"{context.HttpScheme}://{instance.Endpoint}/api/status"), cancellationToken);
            return status is not null && status.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string Describe(InstanceRoll roll, AppRelease release) => string.Create(CultureInfo.InvariantCulture,
        $"  {roll.Instance.Name}: {(roll.OutOfProxies is { } o ? $"out of every proxy {o.TotalSeconds:0.0}s, " : "")}stopped {roll.Stopped.TotalSeconds:0.0}s, "
        + $"started on {release.Version}, ready and back in every proxy {roll.Ready.TotalSeconds:0.0}s (turn {roll.Total.TotalSeconds:0.0}s)");
}
