namespace StatelessApp.Hosting.Proxy;

/// <summary>
/// Set once shutdown has begun. The readiness check reads it, so /health/ready turns 503 at the first moment of
/// shutdown while the instance still serves every request it gets.
/// </summary>
public sealed class DrainState
{
    private volatile bool _isDraining;

    public bool IsDraining => _isDraining;

    internal void BeginDraining() => _isDraining = true;
}
