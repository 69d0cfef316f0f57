using StatelessApp.DeployTests.Infrastructure;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/etcd/move-leader-to-witness.sh against a stand-in etcdctl that prints what etcdctl 3.4 prints for three
/// members (and a stand-in sleep, so a retry costs no time): it finds the leader, sends move-leader to it, rides out
/// calls that fail, and gives up with a message when no member leads.
/// </summary>
public sealed class MoveLeaderScriptTests : IDisposable
{
    private const string Script = "deploy/etcd/move-leader-to-witness.sh";
    private const string Password = "etcd-root-test-password";

    private static readonly (string Name, string Id, string Endpoint)[] Members =
    [
        ("etcd-a", "8e9e05c52164694d", "https://10.164.0.10:2379"),
        ("etcd-b", "91bc3c398fb3c146", "https://10.164.0.20:2379"),
        ("etcd-w", "fd422379fda50e48", "https://10.164.0.30:2379"),
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("move-leader-").FullName;

    public MoveLeaderScriptTests()
    {
        File.WriteAllText(PasswordFile, Password + "\n");
        // What `etcdctl member list` prints, and each member's name, ID and client URL for `endpoint status`.
        File.WriteAllLines(Path.Combine(_folder, "member-list"),
            Members.Select(m => $"{m.Id}, started, {m.Name}, {m.Endpoint.Replace(":2379", ":2380", StringComparison.Ordinal)}, {m.Endpoint}, false"));
        File.WriteAllLines(Path.Combine(_folder, "members"), Members.Select(m => $"{m.Name} {m.Id} {m.Endpoint}"));
        // Each call is logged with whether the password came in the environment; the first $FAKE_FAILURES calls fail
        // as etcdctl does when it cannot connect (exit 2); endpoint status leaves out $FAKE_DOWN and then exits 1.
        WriteStandIn("etcdctl", $$"""
            #!/usr/bin/env bash
            n=$(($(wc -l < "{{_folder}}/etcdctl.log" 2>/dev/null || echo 0) + 1))
            printf 'password=%s endpoints=%s %s\n' "$([ "${ETCDCTL_PASSWORD:-}" = "{{Password}}" ] && echo env || echo none)" \
              "${ETCDCTL_ENDPOINTS:-unset}" "$*" >> "{{_folder}}/etcdctl.log"
            if [ "$n" -le "${FAKE_FAILURES:-0}" ]; then echo "Error: context deadline exceeded" >&2; exit 2; fi
            case "$*" in
              "member list") cat "{{_folder}}/member-list" ;;
              "endpoint status")
                down=0
                while read -r name id endpoint; do
                  if [ "$name" = "${FAKE_DOWN:-}" ]; then
                    echo "Failed to get the status of endpoint $endpoint (context deadline exceeded)" >&2
                    down=1
                    continue
                  fi
                  leads=false
                  [ "$name" != "${FAKE_LEADER:-}" ] || leads=true
                  echo "$endpoint, $id, 3.4.23, 20 kB, $leads, false, 3, 42, 42, "
                done < "{{_folder}}/members"
                exit "$down" ;;
              *move-leader*) echo "Leadership transferred" ;;
              *) echo "unexpected call: $*" >&2; exit 9 ;;
            esac
            """);
        WriteStandIn("sleep", $"#!/bin/sh\necho \"$*\" >> '{_folder}/sleep.log'\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PasswordFile => Path.Combine(_folder, "etcd-root-password");

    private string[] EtcdctlCalls => ReadLog("etcdctl.log");

    private string[] Sleeps => ReadLog("sleep.log");

    [Fact]
    public async Task It_sends_move_leader_to_the_leading_member_naming_the_witness()
    {
        var result = await RunAsync(leader: "etcd-a");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("password=env endpoints=unset --endpoints=https://10.164.0.10:2379 move-leader fd422379fda50e48", EtcdctlCalls[^1]);
        Assert.Contains("etcd: leadership moved from 8e9e05c52164694d to etcd-w (fd422379fda50e48)", result.StandardOutput, StringComparison.Ordinal);
        Assert.All(EtcdctlCalls, call => Assert.StartsWith("password=env ", call, StringComparison.Ordinal));
        Assert.DoesNotContain(EtcdctlCalls, call => call.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task It_does_nothing_when_the_witness_already_leads()
    {
        var result = await RunAsync(leader: "etcd-w");

        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain(EtcdctlCalls, call => call.Contains("move-leader", StringComparison.Ordinal));
        Assert.Contains("etcd: etcd-w (fd422379fda50e48) already leads", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_that_cannot_connect_are_tried_again_after_a_pause()
    {
        var result = await RunAsync(leader: "etcd-b", failures: 2);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(["3", "3"], Sleeps);
        Assert.Equal("password=env endpoints=unset --endpoints=https://10.164.0.20:2379 move-leader fd422379fda50e48", EtcdctlCalls[^1]);
    }

    [Fact]
    public async Task A_member_that_does_not_answer_does_not_stop_the_move()
    {
        var result = await RunAsync(leader: "etcd-a", down: "etcd-b");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(Sleeps);
        Assert.Contains("Failed to get the status of endpoint https://10.164.0.20:2379", result.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("move-leader fd422379fda50e48", EtcdctlCalls[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_leader_it_gives_up_after_its_tries_and_says_why()
    {
        var result = await RunAsync(leader: null);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(4, Sleeps.Length);
        Assert.Contains("no member reports itself leader", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("move-leader-to-witness.sh: gave up after 5 tries", result.StandardError, StringComparison.Ordinal);
    }

    private Task<CommandResult> RunAsync(string? leader, int failures = 0, string? down = null) =>
        CommandLine.RunAsync("sh", [Repository.PathOf(Script)], new Dictionary<string, string?>
        {
            ["PATH"] = _folder + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["ETCDCTL_ENDPOINTS"] = string.Join(',', Members.Select(m => m.Endpoint)),
            ["ETCD_ROOT_PASSWORD_FILE"] = PasswordFile,
            ["FAKE_LEADER"] = leader,
            ["FAKE_FAILURES"] = failures.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FAKE_DOWN"] = down,
        });

    private string[] ReadLog(string name)
    {
        var path = Path.Combine(_folder, name);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    private void WriteStandIn(string name, string script)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
