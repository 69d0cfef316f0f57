using System.Net;
using StatelessApp.TestKit.Http;
using StatelessApp.TestKit.Security;
using StatelessApp.TestKit.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// Oversized and malformed requests written byte for byte to a real instance (Kestrel, the shop's whole pipeline): each
/// gets the 4xx that names its fault, never a 5xx. The same requests go through both proxy kinds in the stack tests.
/// </summary>
[Collection(SharedShop.Name)]
public sealed class HostileRequestTests(ShopServers servers)
{
    public static TheoryData<string> Attempts => [.. HostileRequest.All.Select(request => request.Attempt)];

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task A_malformed_or_oversized_request_gets_its_4xx_never_a_5xx(string attempt)
    {
        var hostile = HostileRequest.All.Single(request => request.Attempt == attempt);
        var app = servers.App1.BaseAddress;

        var answer = await SendAsync(app, hostile.Build(app.Authority));

        var refused = answer.Status == hostile.AppStatus;
        SecurityAttempts.Record("client → app instance (Kestrel, in-process)", hostile.Attempt, answer.StatusLine, refused);
        Assert.True(refused, $"{hostile.Attempt}: expected {hostile.AppStatus}, got {answer.Head}\n{answer.Body}");
    }

    [Fact]
    public async Task HTTP_1_0_without_Host_is_served_but_knows_no_origin_to_write_from()
    {
        // HTTP/1.0 needs no Host (HAProxy's health checks send none), so the framework lets it through; with no Host the
        // request has no origin of its own, so a write that names any Origin is refused.
        var app = servers.App1.BaseAddress;

        var page = await SendAsync(app, "GET /health/live HTTP/1.0\r\n\r\n"u8.ToArray());
        var write = await SendAsync(app, System.Text.Encoding.ASCII.GetBytes(
            $"POST /api/checkout HTTP/1.0\r\nOrigin: {app.GetLeftPart(UriPartial.Authority)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"));

        Assert.Equal(200, page.Status);
        Assert.Equal(403, write.Status);
        SecurityAttempts.Record("client → app instance (Kestrel, in-process)", "HTTP/1.0 POST /api/checkout without Host, with an Origin",
            write.StatusLine, refused: write.Status == 403);
    }

    private static async Task<RawHttpAnswer> SendAsync(Uri app, byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await RawHttpExchange.SendAsync(new IPEndPoint(IPAddress.Parse(app.Host), app.Port),
            app.Scheme == Uri.UriSchemeHttps ? app.Host : null, Fixtures.TestTls.ServerValidator, request, timeout.Token);
    }
}
