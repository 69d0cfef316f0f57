namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// Tests that measure time on this machine (the site delayer's check): run after the others, alone, so the project's
/// parallel shellcheck and script runs do not stand in their measurements.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "Alone";
}
