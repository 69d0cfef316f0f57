using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using RespAttempt = StatelessApp.TestKit.Redis.RespAttempt;
using StatelessApp.TestKit.Security;

namespace StatelessApp.StackTests.Security;

/// <summary>
/// What the stack's Redis nodes and Sentinels refuse (deploy/redis/tls.conf, users.acl, sentinel.conf): plaintext
/// clients, the disabled <c>default</c> user, and the app's own user outside its rights. Each attempt is recorded in
/// the security table (docs/security.md) and asserted.
/// </summary>
[Collection(StackTestGroup.Name)]
public class RedisSecurityTests(StackFixture stack)
{
    private const string NotTheAppsPrefix = "other:key";

    private StackContext Context => stack.Controller.Context;

    private (string, string) App => (RedisUsers.App, Context.Secrets.RedisAppPassword);

    [Fact]
    public async Task A_plaintext_client_gets_no_answer_from_any_Redis_node_or_Sentinel()
    {
        foreach (var node in stack.Topology.NodesOf(NodeKind.Redis).Concat(stack.Topology.NodesOf(NodeKind.Sentinel)))
        {
            var answer = await RespAttempt.PlaintextPingAsync(node.Address, node.Port);

            var refused = answer is not "+PONG" && !answer.StartsWith("-NOAUTH", StringComparison.Ordinal);
            SecurityAttempts.Record($"client → {KindName(node)} ({node.Name})", "plaintext PING on the node's port", answer, refused);
            Assert.True(refused, $"{node.Name} answered a plaintext client: {answer}");
        }
    }

    [Fact]
    public async Task The_default_user_is_refused_on_Redis_and_on_Sentinel()
    {
        foreach (var node in new[] { await PrimaryAsync(), stack.Topology.NodesOf(NodeKind.Sentinel)[0] })
        {
            var withoutAuth = await RespAttempt.RunAsync(node.Address, node.Port, Context.Certificates.CaCertificateFile, user: null, ["PING"]);
            var asDefault = await RespAttempt.RunAsync(node.Address, node.Port, Context.Certificates.CaCertificateFile,
                ("default", Context.Secrets.RedisAdminPassword), ["PING"]);

            Record(node, "TLS, no AUTH: PING", withoutAuth, "-NOAUTH");
            Record(node, "TLS, AUTH default (admin's password): PING", asDefault, "-WRONGPASS");
        }
    }

    [Theory]
    [InlineData("FLUSHALL")]
    [InlineData("EVAL", "return 1", "0")]
    [InlineData("CONFIG", "SET", "maxmemory", "1")]
    [InlineData("CONFIG", "GET", "masterauth")]
    [InlineData("REPLICAOF", "NO", "ONE")]
    [InlineData("KEYS", "*")]
    [InlineData("SET", NotTheAppsPrefix, "x")]
    [InlineData("GET", NotTheAppsPrefix)]
    [InlineData("ACL", "SETUSER", "app", "+@all")]
    public async Task The_apps_user_may_not_leave_its_rights_on_the_primary(params string[] command)
    {
        var primary = await PrimaryAsync();

        var answer = await RespAttempt.RunAsync(primary.Address, primary.Port, Context.Certificates.CaCertificateFile, App, command);

        Record(primary, $"AUTH app: {string.Join(' ', command)}", answer, "-NOPERM");
    }

    [Theory]
    [InlineData("SENTINEL", "SET", "{master}", "quorum", "1")]
    [InlineData("SENTINEL", "REMOVE", "{master}")]
    [InlineData("SENTINEL", "FAILOVER", "{master}")]
    [InlineData("SENTINEL", "MONITOR", "rogue", "127.0.0.1", "6379", "1")]
    public async Task The_apps_user_may_only_discover_on_a_Sentinel(params string[] command)
    {
        var sentinel = stack.Topology.NodesOf(NodeKind.Sentinel)[0];
        var resolved = command.Select(part => part == "{master}" ? stack.Topology.RedisMasterName : part).ToArray();

        var answer = await RespAttempt.RunAsync(sentinel.Address, sentinel.Port, Context.Certificates.CaCertificateFile, App, resolved);

        Record(sentinel, $"AUTH app: {string.Join(' ', resolved)}", answer, "-NOPERM");
    }

    [Fact]
    public async Task The_apps_user_does_what_the_app_needs()
    {
        var primary = await PrimaryAsync();
        var sentinel = stack.Topology.NodesOf(NodeKind.Sentinel)[0];
        var ca = Context.Certificates.CaCertificateFile;

        // The positive control: the refusals above are the ACL's, not a failed login.
        Assert.Equal("+OK", await RespAttempt.RunAsync(primary.Address, primary.Port, ca, App, ["SET", "StatelessApp:security-probe", "1", "EX", "60"]));
        Assert.StartsWith(":", await RespAttempt.RunAsync(primary.Address, primary.Port, ca, App, ["WAIT", "1", "1000"]), StringComparison.Ordinal);
        Assert.StartsWith("*", await RespAttempt.RunAsync(primary.Address, primary.Port, ca, App, ["ROLE"]), StringComparison.Ordinal);
        Assert.StartsWith("*2", await RespAttempt.RunAsync(sentinel.Address, sentinel.Port, ca, App,
            ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", stack.Topology.RedisMasterName]), StringComparison.Ordinal);
    }

    private async Task<Node> PrimaryAsync()
    {
        var endpoint = await SentinelServer.NamedPrimaryAsync(stack.Topology.NodesOf(NodeKind.Sentinel)[0], Context, CancellationToken.None)
            ?? throw new InvalidOperationException("no Sentinel names the Redis primary");
        return stack.Topology.NodesOf(NodeKind.Redis).Single(node => node.Endpoint == endpoint);
    }

    private static void Record(Node node, string attempt, string answer, string expectedError)
    {
        var refused = answer.StartsWith(expectedError, StringComparison.Ordinal);
        SecurityAttempts.Record($"client → {KindName(node)} ({node.Name})", attempt, answer, refused);
        Assert.True(refused, $"{node.Name}, {attempt}: expected {expectedError}…, got {answer}");
    }

    private static string KindName(Node node) => node.Kind == NodeKind.Sentinel ? "Sentinel" : "Redis";
}
