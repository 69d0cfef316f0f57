namespace StatelessApp.Hosting.Startup;

/// <summary>
/// Something an instance does once before it accepts its first request, so that request does not pay for it: a
/// connection opened, a key ring read, a model built. Registered with <see cref="WarmupExtensions.AddWarmupStep{TStep}"/>.
/// </summary>
public interface IWarmupStep
{
    /// <summary>What the step warms, as the start-up log names it (e.g. "redis", "postgres shop").</summary>
    string Name { get; }

    /// <summary>Warms up; throws if the server it needs does not answer (logged, and the instance starts anyway).</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
