using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Stacks;

namespace StatelessApp.StackTests.Security;

/// <summary>
/// etcd and Patroni's REST API as the network sees them: TLS only, a client certificate of the stack's CA required,
/// and Patroni's etcd user confined to its prefix. Each attempt goes into the security table.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class ConsensusSecurityTests(StackFixture stack)
{
    private StackContext Context => stack.Controller.Context;

    private Node Etcd => stack.Topology.NodeOf(NodeKind.Etcd, StackTopology.WitnessRegion);

    public static TheoryData<string> EtcdPorts => new("client", "peer");

    [Theory]
    [MemberData(nameof(EtcdPorts))]
    public async Task Etcd_refuses_plaintext(string port)
    {
        var url = Url(port).Replace("https://", "http://", StringComparison.Ordinal);

        var (refused, answer) = await TryGetAsync(Context.Http, url + "/health");

        SecurityAttempts.Record(EtcdLink(port), "plaintext HTTP GET /health", answer, refused);
        Assert.True(refused, answer);
    }

    [Theory]
    [MemberData(nameof(EtcdPorts))]
    public async Task Etcd_refuses_a_client_without_a_certificate(string port)
    {
        using var noCertificate = ClientTrustingTheStackCa(clientCertificate: null);

        var (refused, answer) = await TryGetAsync(noCertificate, Url(port) + "/health");

        SecurityAttempts.Record(EtcdLink(port), "TLS GET /health without a client certificate", answer, refused);
        Assert.True(refused, answer);
    }

    [Fact]
    public async Task Patronis_etcd_user_may_not_write_outside_its_prefix()
    {
        // Positive control: the same user reads its own prefix.
        var own = await EtcdctlAsPatroniAsync(["get", "--prefix", "--keys-only", EtcdAuthentication.PatroniPrefix(Context)]);
        Assert.True(own.Succeeded, own.Output);
        Assert.Contains("/leader", own.Output, StringComparison.Ordinal);

        await AssertPatroniRefusedAsync(["put", "/security-probe", "written by patroni"],
            "user patroni (right password, client certificate) writes /security-probe, outside /service/<scope>/");
    }

    [Fact]
    public Task Patronis_etcd_user_may_not_administer_etcd() =>
        AssertPatroniRefusedAsync(["user", "grant-role", EtcdAuthentication.PatroniUser, "root"], "user patroni grants itself the root role");

    [Fact]
    public async Task Patronis_REST_API_refuses_plaintext()
    {
        var node = await PrimaryAsync();
        var url = PatroniServer.RestUri(node, Context, "patroni").ToString().Replace("https://", "http://", StringComparison.Ordinal);

        var (refused, answer) = await TryGetAsync(Context.Http, url);

        SecurityAttempts.Record(PatroniLink(node), "plaintext HTTP GET /patroni", answer, refused);
        Assert.True(refused, answer);
    }

    [Fact]
    public async Task Patronis_REST_API_refuses_a_client_without_a_certificate()
    {
        var node = await PrimaryAsync();
        using var noCertificate = ClientTrustingTheStackCa(clientCertificate: null);

        var (refused, answer) = await TryGetAsync(noCertificate, PatroniServer.RestUri(node, Context, "patroni").ToString());

        SecurityAttempts.Record(PatroniLink(node), "TLS GET /patroni without a client certificate", answer, refused);
        Assert.True(refused, answer);
    }

    [Fact]
    public async Task Patronis_REST_API_answers_a_client_of_the_stack_CA()
    {
        var node = await PrimaryAsync();

        using var response = await Context.ServerHttp.GetAsync(PatroniServer.RestUri(node, Context, "patroni"));

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
    }

    /// <summary>Runs etcdctl as Patroni's user; refused means etcd answered "permission denied".</summary>
    private async Task AssertPatroniRefusedAsync(IReadOnlyList<string> arguments, string attempt)
    {
        var result = await EtcdctlAsPatroniAsync(arguments);

        var refused = !result.Succeeded && result.Output.Contains("permission denied", StringComparison.Ordinal);
        SecurityAttempts.Record($"etcd client ({Etcd.Name} {EtcdServer.ClientUrl(Etcd, Context)})", attempt, LastLine(result.Output), refused);
        Assert.True(refused, result.Output);
    }

    private string Url(string port) => port == "client" ? EtcdServer.ClientUrl(Etcd, Context) : EtcdServer.PeerUrl(Etcd, Context);

    private string EtcdLink(string port) => $"etcd {port} ({Etcd.Name} {Url(port)})";

    private static string PatroniLink(Node node) => $"Patroni REST API ({node.Name} {node.Address}:{node.Ports[1].Number})";

    private async Task<Node> PrimaryAsync() =>
        await stack.Controller.AnsweringPrimaryAsync(NodeKind.Postgres);

    private HttpClient ClientTrustingTheStackCa(NodeCertificate? clientCertificate) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = CaTrust.ClientOptions(Context.Certificates.CaCertificateFile, clientCertificate),
        })
        { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>etcdctl as Patroni's etcd user, over TLS with a client certificate of the stack's CA; password in the environment.</summary>
    private Task<CommandResult> EtcdctlAsPatroniAsync(IReadOnlyList<string> arguments)
    {
        var client = Context.ControllerCertificate;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ETCDCTL_API"] = "3",
            ["ETCDCTL_CACERT"] = Context.Certificates.CaCertificateFile,
            ["ETCDCTL_CERT"] = client.CertificateFile,
            ["ETCDCTL_KEY"] = client.KeyFile,
            ["ETCDCTL_USER"] = EtcdAuthentication.PatroniUser,
            ["ETCDCTL_PASSWORD"] = Context.Secrets.EtcdPatroniPassword,
        };
        return CommandRunner.RunAsync("etcdctl", ["--endpoints=" + EtcdServer.ClientUrl(Etcd, Context), .. arguments], TimeSpan.FromSeconds(30), environment);
    }

    /// <summary>Refused: no success status (the connection failed, or the server answered with an error).</summary>
    private static async Task<(bool Refused, string Answer)> TryGetAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            var body = await response.Content.ReadAsStringAsync();
            return (!response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode} {body}");
        }
        catch (HttpRequestException e)
        {
            return (true, Innermost(e));
        }
    }

    /// <summary>The most specific message: the TLS alert or socket error rather than "error while sending the request".</summary>
    private static string Innermost(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return innermost.Message;
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
