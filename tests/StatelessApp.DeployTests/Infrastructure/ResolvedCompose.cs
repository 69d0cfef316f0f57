namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>Every compose file resolved once with a freshly generated env file (a class fixture: docker-compose takes ~1 s a file).</summary>
public sealed class ResolvedCompose : IAsyncLifetime, IDisposable
{
    private readonly Dictionary<string, ComposeConfig> _configs = new(StringComparer.Ordinal);

    public GeneratedComposeEnv Env { get; } = new();

    public ComposeConfig this[string file] => _configs[file];

    public async Task InitializeAsync()
    {
        await Env.InitializeAsync();
        var loads = Repository.ComposeUses.Select(async file => (file, config: await ComposeConfig.LoadAsync(file, Env.FilePathFor(file))));
        foreach (var (file, config) in await Task.WhenAll(loads))
        {
            _configs[file] = config;
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Env.Dispose();
}
