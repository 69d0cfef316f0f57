using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using StatelessApp.Stack;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Servers;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Polling;
using RespAttempt = StatelessApp.TestKit.Redis.RespAttempt;
using StackSentinel = StatelessApp.Stack.Servers.SentinelServer;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>
/// A real Redis primary and one Sentinel as the stack runs them: TLS only (deploy/redis/tls.conf), the ACL users of
/// deploy/redis/users.acl and deploy/redis/sentinel.conf, certificates from a CA of its own, on free loopback ports.
/// Built from the shipped files with the stack's own renderers, so a test of the app's client here tests the rights the
/// app really gets.
/// </summary>
public sealed class SecureRedisWithSentinel : IAsyncLifetime
{
    public const string ServiceName = "stateless";

    private readonly string _directory = Directory.CreateTempSubdirectory("statelessapp-secure-redis-").FullName;
    private readonly List<Process> _processes = [];

    public SecureRedisWithSentinel() => Secrets = StackSecrets.LoadOrCreate(Path.Combine(_directory, "secrets.env"), _ => null);

    public int RedisPort { get; } = LoopbackPorts.FreeTcp();

    public int SentinelPort { get; } = LoopbackPorts.FreeTcp();

    public StackSecrets Secrets { get; }

    /// <summary>The CA that issued both servers' certificate.</summary>
    public string CaCertificateFile => Path.Combine(_directory, "ca.crt");

    /// <summary>A CA that issued nothing here: a client trusting it alone must refuse the servers.</summary>
    public string OtherCaCertificateFile => Path.Combine(_directory, "other-ca.crt");

    /// <summary>The app's ConnectionStrings:Redis: through the Sentinel, as the ACL user app, over TLS.</summary>
    public string AppConnectionString =>
        $"127.0.0.1:{SentinelPort},serviceName={ServiceName},user={RedisUsers.App},password={Secrets.RedisAppPassword},ssl=true,abortConnect=false";

    public (string User, string Password) Admin => (RedisUsers.Admin, Secrets.RedisAdminPassword);

    public async Task InitializeAsync()
    {
        var deploy = new StackPaths(StackPaths.FindRepositoryRoot(), _directory).Deploy;
        var node = WriteCertificates();

        var redisDirectory = Directory.CreateDirectory(Path.Combine(_directory, "redis")).FullName;
        var redisConfig = Path.Combine(redisDirectory, "redis.conf");
        FileModes.WritePrivate(redisConfig, $"include {Path.Combine(deploy, "redis", "redis.conf")}\ninclude {Path.Combine(deploy, "redis", "tls.conf")}\n");
        var aclFile = Path.Combine(redisDirectory, "users.acl");
        RedisUsers.WriteAclFile(Path.Combine(deploy, "redis", "users.acl"), aclFile, Secrets);
        Start("redis-server", [redisConfig, "--bind", "127.0.0.1", .. Tls(RedisPort, node), "--dir", redisDirectory, "--aclfile", aclFile]);
        await Poll.UntilAsync($"TLS Redis on port {RedisPort} to answer PING", async cancellationToken =>
            await AnswerAsync(RedisPort, ["PING"], cancellationToken) == "+PONG", TimeSpan.FromSeconds(15));

        var sentinelDirectory = Directory.CreateDirectory(Path.Combine(_directory, "sentinel")).FullName;
        var sentinelConfig = Path.Combine(sentinelDirectory, "sentinel.conf");
        FileModes.WritePrivate(sentinelConfig, StackSentinel.RenderConfig(deploy, $"127.0.0.1:{SentinelPort}", sentinelDirectory, ServiceName,
            $"127.0.0.1:{RedisPort}", failoverTimeout: "3000", Secrets, tls: true)); // one Sentinel: no vote to split
        Start("redis-sentinel", [sentinelConfig, .. Tls(SentinelPort, node)]);
        await Poll.UntilAsync($"TLS Sentinel on port {SentinelPort} to name the primary", async cancellationToken =>
            await AnswerAsync(SentinelPort, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName], cancellationToken) == "*2", TimeSpan.FromSeconds(15));
    }

    /// <summary>The first reply line to <paramref name="command"/> as <c>admin</c>, or an error text while the server is not up.</summary>
    public async Task<string> AnswerAsync(int port, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RespAttempt.RunAsync(IPAddress.Loopback, port, CaCertificateFile, Admin, command, cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    private NodeCertificate WriteCertificates()
    {
        using var authority = CertificateAuthority.Create("StatelessApp integration tests CA");
        using var other = CertificateAuthority.Create("Another CA");
        File.WriteAllText(CaCertificateFile, authority.Root.ExportCertificatePem() + "\n");
        File.WriteAllText(OtherCaCertificateFile, other.Root.ExportCertificatePem() + "\n");
        using var issued = authority.Issue("redis", [IPAddress.Loopback], ["localhost"], CertificateUse.Server | CertificateUse.Client);
        var files = new NodeCertificate(Path.Combine(_directory, "node.crt"), Path.Combine(_directory, "node.key"), Path.Combine(_directory, "node.pem"));
        File.WriteAllText(files.CertificateFile, issued.ExportCertificatePem() + "\n");
        FileModes.WritePrivate(files.KeyFile, issued.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        return files;
    }

    private string[] Tls(int port, NodeCertificate node) =>
    [
        "--tls-port", port.ToString(CultureInfo.InvariantCulture),
        "--tls-cert-file", node.CertificateFile,
        "--tls-key-file", node.KeyFile,
        "--tls-ca-cert-file", CaCertificateFile,
    ];

    private void Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        // The servers log to stdout (deploy/redis/redis.conf: logfile ""): drained, so a full pipe never blocks them.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    public Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temp folder eventually.
        }

        return Task.CompletedTask;
    }
}
