namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// Every compose file resolved with a freshly generated env file (a class fixture). The resolution is made once per
/// test run and shared: the env file holds no password, so every fixture's would resolve the same, and
/// docker-compose takes ~1 s a file (a minute on a loaded machine).
/// </summary>
public sealed class ResolvedCompose : IAsyncLifetime, IDisposable
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static Dictionary<string, ComposeConfig>? _shared;

    private Dictionary<string, ComposeConfig> _configs = new(StringComparer.Ordinal);

    public GeneratedComposeEnv Env { get; } = new();

    public ComposeConfig this[string file] => _configs[file];

    public async Task InitializeAsync()
    {
        await Env.InitializeAsync();
        await Once.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var loads = Repository.ComposeUses.Select(async file => (file, config: await ComposeConfig.LoadAsync(file, Env.FilePathFor(file))));
                _shared = (await Task.WhenAll(loads)).ToDictionary(l => l.file, l => l.config, StringComparer.Ordinal);
            }
        }
        finally
        {
            Once.Release();
        }

        _configs = _shared;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Env.Dispose();
}
