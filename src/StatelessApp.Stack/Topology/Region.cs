using System.Net;

namespace StatelessApp.Stack.Topology;

/// <summary>A site: the two data-centre regions ("a", "b") and the witness ("w") that only votes and answers DNS.</summary>
public sealed record Region(string Name, IPNetwork Network, bool IsWitness)
{
    public override string ToString() => IsWitness ? $"witness {Name} ({Network})" : $"region {Name} ({Network})";
}
