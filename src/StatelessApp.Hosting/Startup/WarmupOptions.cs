namespace StatelessApp.Hosting.Startup;

/// <summary>Section <c>Warmup</c>: what an instance does before Kestrel accepts its first connection.</summary>
public sealed class WarmupOptions
{
    public const string SectionName = "Warmup";

    /// <summary>Run the warm-up steps before accepting requests (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest start-up waits for the steps; past it the instance starts with whatever is still cold (a server that
    /// does not answer must not keep it from serving what does not need that server).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
