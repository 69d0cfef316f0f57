using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.TestKit.Load;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// One app instance: the real Program on a real Kestrel (loopback, free port), configured the way the stack
/// configures a process. Several instances pointed at the same Redis and PostgreSQL are several app processes.
/// </summary>
public sealed class ShopInstance : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IWebHostBuilder>? _configure;

    public ShopInstance(string name, string redis, string shop, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IWebHostBuilder>? configure = null)
    {
        Name = name;
        var all = new Dictionary<string, string?>(Fixtures.SingleRedisSettings.Values)
        {
            ["Instance:Region"] = "a",
            ["Instance:Name"] = name,
            ["ConnectionStrings:Redis"] = redis,
            ["ConnectionStrings:Shop"] = shop,
            ["Proxy:DrainDelay"] = "00:00:00",
            // Outside Development the app refuses to start without the hosts it answers: the test clients' (and TestServer's).
            ["AllowedHosts"] = "127.0.0.1;localhost",
        };
        foreach (var (key, value) in Fixtures.TestKeyRingCertificates.SharedSettings)
        {
            all[key] = value;
        }

        // Every client of an in-process instance is 127.0.0.1: the limits count, out of the way; the limits' own tests set theirs.
        foreach (var (key, value) in RateLimitSettings.OutOfTheWay)
        {
            all[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _settings = all;
        _configure = configure;
        // HTTPS, as every instance serves in the stack: the app's cookies are Secure, so a client keeps them over HTTPS only.
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Fixtures.TestTls.ServerCertificate)));
    }

    public string Name { get; }

    /// <summary>"https://127.0.0.1:port/" once started (clients: <see cref="Fixtures.TestTls.Handler"/>).</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            var address = addresses.Addresses.First();
            return new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Production: the error answers tested are those users get (no developer page), and
        // appsettings.Development.json (local defaults) stays out of the way.
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        _configure?.Invoke(builder);
    }
}
