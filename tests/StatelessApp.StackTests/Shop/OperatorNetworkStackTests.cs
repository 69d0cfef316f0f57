using System.Net;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Network;
using StatelessApp.TestKit.Security;
using Xunit.Abstractions;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// The status endpoints answer only the operators' networks. Every client of the local stack is on loopback, which is the
/// default operators' network, so this test restarts one instance with Operators:Networks narrowed to 127.0.0.1/32 (the
/// address a local client connects from) and asks it from another loopback source address it binds.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class OperatorNetworkStackTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_outside_the_operators_network_gets_404_from_the_status_endpoints()
    {
        var app = stack.Topology.Node("app-a1");
        var outsider = Outside(app.Address);
        await RestartAsync(app, narrowed: true);
        try
        {
            using var operatorClient = Client(app, source: null);
            using var outsiderClient = Client(app, outsider);

            using var operatorApi = await operatorClient.GetAsync("api/status");
            using var outsiderApi = await outsiderClient.GetAsync("api/status");
            using var outsiderPage = await outsiderClient.GetAsync("Status");
            using var missing = await outsiderClient.GetAsync("api/no-such-path");

            var link = $"client {outsider} (outside Operators:Networks 127.0.0.1/32) → {app.Name}";
            SecurityAttempts.Record(link, "GET /api/status", $"{(int)outsiderApi.StatusCode} {outsiderApi.ReasonPhrase}", outsiderApi.StatusCode == HttpStatusCode.NotFound);
            SecurityAttempts.Record(link, "GET /Status (the page)", $"{(int)outsiderPage.StatusCode} {outsiderPage.ReasonPhrase}", outsiderPage.StatusCode == HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.OK, operatorApi.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, outsiderApi.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, outsiderPage.StatusCode);
            // The 404 of a path that does not exist, word for word but for the path and the trace id.
            Assert.Equal(Title(await missing.Content.ReadAsStringAsync()), Title(await outsiderApi.Content.ReadAsStringAsync()));
            Assert.Equal(missing.Content.Headers.ContentType?.MediaType, outsiderApi.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await RestartAsync(app, narrowed: false);
        }
    }

    private static string? Title(string problem) =>
        System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("title").GetString();

    /// <summary>An address of the instance's own region network that no node uses (host part .99), as a client's source.</summary>
    private static IPAddress Outside(IPAddress nodeAddress)
    {
        var bytes = nodeAddress.GetAddressBytes();
        bytes[3] = 99;
        return new IPAddress(bytes);
    }

    private async Task RestartAsync(Node app, bool narrowed)
    {
        if (narrowed)
        {
            stack.Controller.Context.AppSettings["Operators:Networks:0"] = "127.0.0.1/32";
        }
        else
        {
            stack.Controller.Context.AppSettings.Remove("Operators:Networks:0");
        }

        stack.Controller.Kill(app.Name);
        await stack.Controller.StartAsync(app.Name);
        output.WriteLine($"{app.Name} restarted with Operators:Networks {(narrowed ? "127.0.0.1/32" : "the default (loopback)")}");
    }

    /// <summary>A client of the instance's HTTPS port, connecting from <paramref name="source"/> (null: the kernel's choice, 127.0.0.1).</summary>
    private HttpClient Client(Node app, IPAddress? source) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new() { RemoteCertificateValidationCallback = stack.Controller.Context.Certificates.ServerValidator() },
            ConnectCallback = SourceAddressConnector.From(source ?? IPAddress.Loopback, new IPEndPoint(app.Address, app.Port)),
        })
        {
            BaseAddress = new Uri($"https://{app.Endpoint}/"),
            Timeout = TimeSpan.FromSeconds(10),
        };
}
