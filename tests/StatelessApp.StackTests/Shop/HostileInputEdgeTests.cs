using System.Net;
using System.Text;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Http;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Shop;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// The malformed and oversized requests of the in-process tests (HostileRequest.All), and the cross-site checkout, sent
/// through both proxy kinds to the real instances: the stack's own proxy and one of the other kind in front of the same
/// instances. Whoever refuses (the proxy or the app) answers a 4xx; nothing gets a 5xx.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class HostileInputEdgeTests(StackFixture stack) : IAsyncLifetime
{
    private ExtraProxy? _otherKind;

    public async Task InitializeAsync() => _otherKind = await ExtraProxy.StartAsync(stack);

    public Task DisposeAsync()
    {
        _otherKind?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Malformed_and_oversized_requests_get_a_4xx_through_both_proxy_kinds_never_a_5xx()
    {
        var failures = new List<string>();
        foreach (var (link, send) in Links())
        {
            foreach (var hostile in HostileRequest.All)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                RawHttpAnswer answer;
                try
                {
                    answer = await send(hostile.Build($"{stack.Topology.Domain}:{stack.Topology.NodeOf(NodeKind.Proxy, "a").Port}"), timeout.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    answer = new RawHttpAnswer(0, "no answer within 15 s", "");
                }

                var dropped = hostile.ProxyMayDrop && answer.Status is >= 200 and < 300;
                var refused = answer.Status is >= 400 and < 500 || dropped;
                SecurityAttempts.Record(link, hostile.Attempt,
                    answer.Status == 0 ? answer.Head : $"{answer.StatusLine}{Origin(answer)}{(dropped ? ": the proxy dropped the malformed line" : "")}", refused);
                if (!refused)
                {
                    failures.Add($"{link}: {hostile.Attempt}: {answer.Head}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_cross_site_checkout_is_refused_through_both_proxy_kinds()
    {
        foreach (var (link, send) in Links())
        {
            var host = $"{stack.Topology.Domain}:{stack.Topology.NodeOf(NodeKind.Proxy, "a").Port}";
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var form = await send(Encoding.ASCII.GetBytes(
                $"POST /api/checkout HTTP/1.1\r\nHost: {host}\r\nOrigin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n" +
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b"), timeout.Token);
            var bare = await send(Encoding.ASCII.GetBytes(
                $"POST /api/checkout HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), timeout.Token);

            SecurityAttempts.Record(link, "cross-site form POST /api/checkout (Origin evil.example, Sec-Fetch-Site: cross-site)", form.StatusLine, form.Status == 403);
            SecurityAttempts.Record(link, "POST /api/checkout without a body or Origin", bare.StatusLine, bare.Status == 415);
            Assert.Equal(403, form.Status);
            Assert.Equal(415, bare.Status);
            Assert.Equal("application/problem+json", form.Header("Content-Type"));
        }
    }

    [Fact]
    public async Task Answers_through_both_proxy_kinds_carry_the_security_headers_and_no_Server_version()
    {
        foreach (var (link, send) in Links())
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var page = await send(Encoding.ASCII.GetBytes(
                $"GET / HTTP/1.1\r\nHost: {stack.Topology.Domain}:{stack.Topology.NodeOf(NodeKind.Proxy, "a").Port}\r\nConnection: close\r\n\r\n"), timeout.Token);

            Assert.Equal(200, page.Status);
            Assert.StartsWith("default-src 'self'", page.Header("Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Equal("nosniff", page.Header("X-Content-Type-Options"));
            // HAProxy adds no Server header; nginx says "nginx" (server_tokens off hides its version); Kestrel says nothing.
            Assert.True(page.Header("Server") is null or "nginx", $"{link}: Server: {page.Header("Server")}");
        }
    }

    /// <summary>Region A's proxy of the stack's kind and the extra proxy of the other kind.</summary>
    private IEnumerable<(string Link, Func<byte[], CancellationToken, Task<RawHttpAnswer>> Send)> Links()
    {
        var proxy = stack.Topology.NodeOf(NodeKind.Proxy, "a");
        var validator = stack.Controller.Context.Certificates.ServerValidator();
        yield return ($"client → {proxy.Name} ({Kind(stack.Controller.Context.ProxyKind)}) → app",
            (request, cancellationToken) => RawHttpExchange.SendAsync(new IPEndPoint(proxy.Address, proxy.Port), stack.Topology.Domain, validator, request, cancellationToken));
        var other = _otherKind!;
        yield return ($"client → {Kind(other.Kind)} proxy ({other.Node.Address}) → app",
            (request, cancellationToken) => other.SendAsync(stack, request, cancellationToken));
    }

    private static string Kind(ProxyKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Who answered: an app instance says X-Served-By; otherwise the proxy itself refused.</summary>
    private static string Origin(RawHttpAnswer answer) =>
        answer.Header("X-Served-By") is { } servedBy ? $" (app {servedBy})" : answer.Status == 0 ? "" : " (the proxy)";
}
