using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Identity;

/// <summary>
/// What the instance's console formatters share: the region and name from configuration (<see cref="ConfiguredInstance"/>)
/// and their options, followed when the configuration reloads.
/// </summary>
internal abstract class InstanceFormatter<TOptions> : ConsoleFormatter, IDisposable
    where TOptions : ConsoleFormatterOptions
{
    private readonly IDisposable? _optionsReloadToken;

    protected InstanceFormatter(string name, IConfiguration configuration, IOptionsMonitor<TOptions> options)
        : base(name)
    {
        Instance = ConfiguredInstance.Read(configuration);
        Options = options.Get(name);
        _optionsReloadToken = options.OnChange((changed, changedName) =>
        {
            if (changedName == name)
            {
                Options = changed;
            }
        });
    }

    protected ConfiguredInstance Instance { get; }

    protected TOptions Options { get; private set; }

    public void Dispose()
    {
        _optionsReloadToken?.Dispose();
        GC.SuppressFinalize(this);
    }
}
