namespace StatelessApp.Hosting.KeyRing;

/// <summary>Whether this process may create the ring's first key (<see cref="FirstKeyGuard"/>): in Development, and in <c>migrate</c>.</summary>
internal sealed class FirstKeyPermission
{
    public bool Granted { get; private set; }

    public void Grant() => Granted = true;
}
