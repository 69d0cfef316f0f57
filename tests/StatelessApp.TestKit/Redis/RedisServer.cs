using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Polling;

namespace StatelessApp.TestKit.Redis;

/// <summary>
/// A real <c>redis-server</c> (from PATH) on a free loopback port, with a password and <c>appendonly yes</c>,
/// in its own temporary directory. Usable as an xunit class/collection fixture (<see cref="IAsyncLifetime"/>)
/// or standalone via <see cref="StartNewAsync"/> when a test needs a server of its own (e.g. to stop it).
/// </summary>
/// <remarks>
/// <see cref="Stop"/> kills the process (a crash, not a clean shutdown) and <see cref="StartAsync"/> brings it
/// back on the same port with the same data directory. <c>appendfsync always</c> makes that crash lose nothing,
/// so a test can tell "Redis was down" apart from "Redis lost its data".
/// </remarks>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    public RedisServer()
    {
        _directory = Directory.CreateTempSubdirectory("statelessapp-redis-").FullName;
        Port = LoopbackPorts.FreeTcp();
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string Password { get; }

    /// <summary>Directory holding redis.conf, the AOF files and redis.log.</summary>
    public string DataDirectory => _directory;

    /// <summary>A StackExchange.Redis configuration string, as the app reads it from ConnectionStrings:Redis.</summary>
    public string ConnectionString => $"{Host}:{Port},password={Password},abortConnect=false";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Stops the process without closing its connections (SIGSTOP), as a stalled machine or link would look: its peers
    /// still count it as connected. Disposing the result lets it go on (SIGCONT).
    /// </summary>
    public IDisposable Freeze()
    {
        var pid = (_process ?? throw new InvalidOperationException("not running")).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Signal("-STOP", pid);
        return new Thaw(pid);
    }

    private static void Signal(string signal, string pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
    }

    private sealed class Thaw(string pid) : IDisposable
    {
        public void Dispose() => Signal("-CONT", pid);
    }

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer();
        await server.StartAsync();
        return server;
    }

    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts (or restarts after <see cref="Stop"/>) the server and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var config = Path.Combine(_directory, "redis.conf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            "bind 127.0.0.1",
            $"port {Port}",
            $"requirepass {Password}",
            "protected-mode yes",
            "daemonize no",
            $"dir {_directory}",
            $"logfile {Path.Combine(_directory, "redis.log")}",
            "appendonly yes",
            "appendfsync always",
            "save \"\"",
            "") );

        var startInfo = new ProcessStartInfo("redis-server", config)
        {
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start");

        var process = _process;
        try
        {
            await Poll.UntilAsync($"redis-server on port {Port} to answer PING", async cancellationToken =>
                !process.HasExited ? await AnswersPingAsync(cancellationToken)
                : throw new InvalidOperationException($"redis-server on port {Port} exited with {process.ExitCode}"), StartTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{e.Message}. Log:\n{ReadLog()}", e);
        }
    }

    /// <summary>Simulates an outage: kills the process (SIGKILL) and waits until it is gone. Data stays on disk.</summary>
    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// A multiplexer for test assertions and set-up (allowAdmin). Its own commands are never part of what
    /// <see cref="CommandCallsAsync"/> measures, because it is connected before a measurement starts and only
    /// issues INFO (excluded) during one.
    /// </summary>
    public async Task<IConnectionMultiplexer> AdminAsync()
    {
        if (_admin is null)
        {
            var options = ConfigurationOptions.Parse(ConnectionString);
            options.AllowAdmin = true;
            _admin = await ConnectionMultiplexer.ConnectAsync(options);
        }

        return _admin;
    }

    public async Task<IDatabase> DatabaseAsync() => (await AdminAsync()).GetDatabase();

    /// <summary>
    /// <see cref="CommandCallsAsync"/> once the server is quiet (two snapshots 100 ms apart are equal): the start of a
    /// measurement. A multiplexer that just connected may still be finishing its handshake on a second connection (a
    /// PING), which belongs to no request.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> QuietCommandCallsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyDictionary<string, long>? previous = null;
        var quiet = await Poll.UntilAsync("Redis to be quiet (no command between two snapshots)", async _ =>
            {
                var current = await CommandCallsAsync();
                var quiet = previous is not null && Delta(previous, current).Count == 0;
                previous = current;
                return (Calls: current, Quiet: quiet);
            },
            snapshot => snapshot.Quiet, TimeSpan.FromSeconds(10),
            interval: TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
        return quiet.Calls;
    }

    /// <summary>
    /// Calls per command since start-up, from <c>INFO commandstats</c> (e.g. "getex" → 3). The INFO command
    /// itself is left out so that taking a snapshot does not change the next one.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> CommandCallsAsync()
    {
        var admin = await AdminAsync();
        var server = admin.GetServer(Host, Port);
        var raw = await server.InfoRawAsync("commandstats") ?? string.Empty;

        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in raw.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // cmdstat_getex:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line["cmdstat_".Length..colon];
            if (name == "info")
            {
                continue;
            }

            var callsField = line[(colon + 1)..].Split(',')[0];
            calls[name] = long.Parse(callsField["calls=".Length..], CultureInfo.InvariantCulture);
        }

        return calls;
    }

    /// <summary>Commands executed between two <see cref="CommandCallsAsync"/> snapshots (only those that changed).</summary>
    public static IReadOnlyDictionary<string, long> Delta(
        IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after
            .Select(pair => (pair.Key, Calls: pair.Value - before.GetValueOrDefault(pair.Key)))
            .Where(entry => entry.Calls != 0)
            .ToDictionary(entry => entry.Key, entry => entry.Calls, StringComparer.Ordinal);

    public string ReadLog()
    {
        var log = Path.Combine(_directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
            _admin = null;
        }

        Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test run; the OS cleans the temp folder eventually.
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private Task<bool> AnswersPingAsync(CancellationToken cancellationToken) =>
        RespProbe.RepliesAsync(Port, $"AUTH {Password}\r\nPING\r\n", "\r\n+PONG\r\n", cancellationToken);
}
