namespace StatelessApp.DeployTests.Infrastructure;

/// <summary>
/// Stand-ins for ssh, scp, curl and docker, first on PATH: each records its arguments (one line per call, in order)
/// and what it read on stdin, then answers as told (ssh asked which compose a host has: `docker compose`, or
/// $FAKE_COMPOSE). A dry run must leave the log empty; a real run against them
/// shows exactly what would reach a host, without contacting one.
/// </summary>
public sealed class FakeTools : IDisposable
{
    private static readonly string[] Tools = ["ssh", "scp", "curl", "docker", "doctl", "rsync"];

    public FakeTools()
    {
        Folder = Directory.CreateTempSubdirectory("fake-tools-").FullName;
        foreach (var tool in Tools)
        {
            var script = Path.Combine(Folder, tool);
            File.WriteAllText(script, $$"""
                #!/usr/bin/env bash
                # Fake {{tool}}: log the call, keep stdin, exit with the code in $FAKE_FAIL_<tool> when the call matches it.
                n=$(($(wc -l < "{{LogFile}}" 2>/dev/null || echo 0) + 1))
                printf '%s %s\n' "{{tool}}" "$*" >> "{{LogFile}}"
                cat > "{{Folder}}/stdin-$n"
                if [ -n "${FAKE_FAIL_MATCH:-}" ] && [[ "$*" == *"$FAKE_FAIL_MATCH"* ]]; then exit 7; fi
                if [ "{{tool}}" = curl ] && [ -n "${FAKE_CURL_BODY:-}" ]; then printf '%s' "$FAKE_CURL_BODY"; fi
                # Asked which compose the host has: the v2 plugin, unless FAKE_COMPOSE says otherwise.
                if [ "{{tool}}" = ssh ] && [[ "$*" == *"docker compose version"* ]]; then echo "${FAKE_COMPOSE:-docker compose}"; fi
                exit 0
                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Folder { get; }

    public string LogFile => Path.Combine(Folder, "calls.log");

    /// <summary>Each call: "tool arguments...".</summary>
    public IReadOnlyList<string> Calls => File.Exists(LogFile) ? File.ReadAllLines(LogFile) : [];

    /// <summary>What call number <paramref name="call"/> (1-based) read on stdin.</summary>
    public string StandardInputOf(int call) => File.ReadAllText(StandardInputFileOf(call));

    /// <summary>The file holding what call number <paramref name="call"/> (1-based) read on stdin (binary as it came).</summary>
    public string StandardInputFileOf(int call) => Path.Combine(Folder, $"stdin-{call}");

    /// <summary>PATH with the fakes first, plus the given variables.</summary>
    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["PATH"] = Folder + ":" + System.Environment.GetEnvironmentVariable("PATH"),
        };
        return environment;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
