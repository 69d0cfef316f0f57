using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Servers;

namespace StatelessApp.TemplateTests;

/// <summary>A built web app of a generated solution, started as its own process on a free loopback port, and
/// stopped (the whole process tree) on dispose.</summary>
internal sealed class RunningWebApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningWebApp(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>
    /// An instance's settings with its Redis and PostgreSQL pointed at closed loopback ports: it starts, live but not
    /// ready. Its key ring certificate is real (outside Development the app refuses to start without one).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServersDown { get; } = ServersDownSettings();

    private static Dictionary<string, string> ServersDownSettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Instance__Region"] = "a",
            ["Instance__Name"] = "app-1",
            ["ConnectionStrings__Redis"] = "127.0.0.1:1,abortConnect=false,connectTimeout=500",
            ["ConnectionStrings__Shop"] = "Host=127.0.0.1;Port=1;Database=app;Username=app;Password=unused;Timeout=2",
            // Outside Development the app refuses to start without the hosts it answers.
            ["AllowedHosts"] = "127.0.0.1",
        };
        var certificate = KeyRingCertificate.LoadOrCreate(Directory.CreateTempSubdirectory("template-keyring-").FullName);
        AppServer.AddSettings(settings, certificate.AppSettings);
        return settings;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<RunningWebApp> StartAsync(string assemblyPath, IReadOnlyDictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{LoopbackPorts.FreeTcp()}/");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(assemblyPath);
        startInfo.Environment["ASPNETCORE_URLS"] = address.ToString();
        foreach (var (name, value) in settings)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var app = new RunningWebApp(process, address);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Poll.UntilAsync($"the app to listen on {Address}", async cancellationToken =>
                {
                    if (_process.HasExited)
                    {
                        throw new InvalidOperationException($"The app exited with {_process.ExitCode} before listening:\n{Output}");
                    }

                    using var response = await client.GetAsync(new Uri(Address, "health/live"), cancellationToken);
                    return true;
                },
                timeout, retryOn: e => e is HttpRequestException, interval: TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}:\n{Output}", e);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
