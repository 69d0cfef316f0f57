namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// The TLS material and passwords of one test deployment, made by the real scripts exactly as an operator makes
/// them: deploy/issue-certificates.sh (with the one-host env file and two public names) and a passwords file of
/// this run's <see cref="TestSecrets"/>. Made once per test run (RSA key generation takes seconds), deleted at exit.
/// </summary>
public sealed class DeploymentMaterial
{
    public static readonly string[] PublicNames = ["shop.example.com", "203.0.113.10"];

    /// <summary>The scripts fork openssl, cp and chown dozens of times: on a loaded 2-core machine that takes minutes.</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    private static readonly Lazy<Task<DeploymentMaterial>> Made = new(MakeAsync);

    private DeploymentMaterial(string folder, TestSecrets secrets)
    {
        Folder = folder;
        Secrets = secrets;
    }

    public static Task<DeploymentMaterial> GetAsync() => Made.Value;

    public string Folder { get; }

    public TestSecrets Secrets { get; }

    /// <summary>The output of deploy/issue-certificates.sh.</summary>
    public string Tls => Path.Combine(Folder, "tls");

    /// <summary>KEY=VALUE, every password of <see cref="Secrets"/>.</summary>
    public string PasswordsFile => Path.Combine(Folder, "passwords.env");

    /// <summary>The compose env file the certificates were issued for (one Docker host).</summary>
    public string EnvFile => Path.Combine(Folder, "compose.env");

    /// <summary>Runs deploy/compose/site-secrets.sh for <paramref name="site"/> into a new folder and returns it.</summary>
    public async Task<string> WriteSiteAsync(string site, params string[] more)
    {
        var output = Path.Combine(Folder, $"site-{site}-{Guid.NewGuid():N}");
        var result = await CommandLine.BashAsync("deploy/compose/site-secrets.sh",
            ["--site", site, "--tls", Tls, "--env", EnvFile, "--passwords", PasswordsFile, "-o", output, .. more], TestSecrets.NoneSet(), ScriptTimeout);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(Secrets.FoundIn(result.Output));
        return output;
    }

    private static async Task<DeploymentMaterial> MakeAsync()
    {
        var material = new DeploymentMaterial(Directory.CreateTempSubdirectory("deploy-material-").FullName, new TestSecrets());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(material.Folder, recursive: true);

        var environment = await CommandLine.BashAsync("deploy/compose/compose-env.sh", ["-o", material.EnvFile], TestSecrets.NoneSet());
        Assert.True(environment.Succeeded, environment.ToString());
        await File.WriteAllLinesAsync(material.PasswordsFile, material.Secrets.Values.Select(p => $"{p.Key}={p.Value}"));
        var issued = await CommandLine.BashAsync("deploy/issue-certificates.sh",
            ["--out", material.Tls, "--env", material.EnvFile, .. PublicNames.SelectMany(name => new[] { "--public-name", name })], timeout: ScriptTimeout);
        Assert.True(issued.Succeeded, issued.ToString());
        return material;
    }
}
