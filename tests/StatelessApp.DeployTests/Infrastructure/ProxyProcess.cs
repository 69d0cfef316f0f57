using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// HAProxy or nginx started from the repository's config file with the given variables, as the stack controller and the
/// containers start them: HAProxy reads deploy/haproxy/haproxy.cfg as is, nginx gets deploy/nginx/nginx.conf.template
/// rendered by deploy/compose/render.sh (the container's renderer) into <paramref name="folder"/>.
/// </summary>
public static class ProxyProcess
{
    public static async Task<RunningServer> StartAsync(ProxyKind kind, IReadOnlyDictionary<string, string> variables, string folder, int port)
    {
        if (kind == ProxyKind.Haproxy)
        {
            return await RunningServer.StartAsync("haproxy", ["-db", "-f", Repository.PathOf("deploy", "haproxy", "haproxy.cfg")], variables, port);
        }

        var prefix = Path.Combine(folder, "nginx");
        Directory.CreateDirectory(Path.Combine(prefix, "temp"));
        var rendered = await CommandLine.RunAsync("env", ["-i", .. variables.Select(v => $"{v.Key}={v.Value}"), "sh",
            Repository.PathOf("deploy", "compose", "render.sh"), Repository.PathOf("deploy", "nginx", "nginx.conf.template"), Path.Combine(prefix, "nginx.conf")]);
        Assert.True(rendered.Succeeded, rendered.ToString());
        return await RunningServer.StartAsync("nginx", ["-p", prefix + "/", "-c", Path.Combine(prefix, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
            new Dictionary<string, string>(), port);
    }
}
