using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Cli;

/// <summary>A parsed command line.</summary>
public sealed record Command(string Verb)
{
    public bool Fresh { get; init; }

    public ProxyKind? Proxy { get; init; }

    /// <summary>up: start Prometheus and the exporters (off with --no-observability).</summary>
    public bool Observability { get; init; } = true;

    /// <summary>up: the topology's round trips between the sites (off with --no-distance: 0 ms apart).</summary>
    public bool Distance { get; init; } = true;

    /// <summary>Node or region for kill/start/logs/rebuild; what rotate rotates.</summary>
    public string? Target { get; init; }

    /// <summary>rebuild: move the region's primaries to the other region first instead of refusing.</summary>
    public bool Switchover { get; init; }

    /// <summary>logs: keep following (tail -F).</summary>
    public bool Follow { get; init; }

    /// <summary>backup: a full pgBackRest backup instead of a differential one.</summary>
    public bool Full { get; init; }

    /// <summary>restore: the point in time to recover to.</summary>
    public DateTimeOffset? RestoreTime { get; init; }

    /// <summary>restore: the address of the fresh cluster (default W_RESTORE_ADDR).</summary>
    public System.Net.IPAddress? Into { get; init; }

    /// <summary>restore --drop: stop and delete the restored cluster instead.</summary>
    public bool Drop { get; init; }

    /// <summary>upgrade: the informational version stamped on the new release (null: the project's).</summary>
    public string? Version { get; init; }

    public const string Usage = """
        usage: ./stack <command>
          up [--fresh] [--proxy haproxy|nginx] [--no-observability] [--no-distance]
                                                 build the app, start the two-region stack, wait until healthy
                                                 (--no-observability: without Prometheus and the exporters;
                                                 --no-distance: the sites 0 ms apart, not SITE_RTT_* of the topology)
          status                                 every process: address, role (which Redis/PostgreSQL is primary), health, pid
          down                                   stop everything (data is kept; `up --fresh` wipes it)
          logs [-f] [NAME]                       tail one node's log (or the last lines of every log)
          kill NAME|region-a|region-b|witness    SIGKILL, as a crash would (fault drills)
          start NAME|region-a|region-b|witness   start stopped nodes again and wait until healthy
          rebuild [--switchover] region-a|region-b
                                                 wipe the region's data and bring it back from the other region: etcd
                                                 member replaced, standby, replica, apps, proxy (refused while the region
                                                 holds a primary; --switchover moves them to the other region first)
          rotate secrets                         new passwords for the app's Redis user and PostgreSQL role on the live
                                                 stack (Redis: two passwords during the apps' rolling restart)
          backup [--full]                        pgBackRest backup (differential; full with --full), Redis RDB, etcd snapshot (.stack/backup)
          restore --time T [--into ADDR]         point-in-time recovery of the shop database into a fresh cluster (default W_RESTORE_ADDR)
          restore --drop [--into ADDR]           stop and delete that restored cluster
          upgrade [--version V]                  publish the working tree as a new release (stamped V), run its migrate,
                                                 then roll the app instances to it one at a time
          rollback                               roll the app instances back to the previous release, one at a time
          test                                   run every test (tests/run)
          drills [ARGS]                          run the fault drills on a stack of their own (tests/drills; ARGS go to dotnet test)
        Topology (addresses, ports, names): deploy/topology.env; state, logs and secrets: .stack/
        """;

    /// <summary>Parses the arguments or throws <see cref="UsageException"/>.</summary>
    public static Command Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new UsageException("no command given");
        }

        var verb = args[0];
        var rest = args.Skip(1).ToList();
        switch (verb)
        {
            case "help" or "--help" or "-h":
                NoMoreArguments(verb, rest);
                return new Command("help");
            case "up":
                return ParseUp(rest);
            case "upgrade":
                return ParseUpgrade(rest);
            case "status" or "down" or "rollback":
                NoMoreArguments(verb, rest);
                return new Command(verb);
            case "logs":
                var follow = rest.Remove("-f") | rest.Remove("--follow");
                if (rest.Count > 1 || rest.Any(a => a.StartsWith('-')))
                {
                    throw new UsageException($"logs takes at most one node name, got: {string.Join(' ', rest)}");
                }

                return new Command(verb) { Target = rest.FirstOrDefault(), Follow = follow };
            case "kill" or "start":
                if (rest.Count != 1 || rest[0].StartsWith('-'))
                {
                    throw new UsageException($"{verb} takes exactly one target (a node name, region-a, region-b or witness)");
                }

                return new Command(verb) { Target = rest[0] };
            case "rebuild":
                var switchover = rest.Remove("--switchover");
                return rest is ["region-a" or "region-b"]
                    ? new Command(verb) { Target = rest[0], Switchover = switchover }
                    : throw new UsageException("rebuild takes region-a or region-b (and --switchover)");
            case "rotate":
                return rest is ["secrets" or "certificates"]
                    ? new Command(verb) { Target = rest[0] }
                    : throw new UsageException("rotate takes secrets or certificates");
            case "backup":
                var full = rest.Remove("--full");
                NoMoreArguments(verb, rest);
                return new Command(verb) { Full = full };
            case "restore":
                return ParseRestore(rest);
            default:
                throw new UsageException($"unknown command '{verb}'");
        }
    }

    private static Command ParseUp(List<string> rest)
    {
        var command = new Command("up");
        for (var i = 0; i < rest.Count; i++)
        {
            switch (rest[i])
            {
                case "--fresh":
                    command = command with { Fresh = true };
                    break;
                case "--proxy" when i + 1 < rest.Count:
                    command = StackTopology.TryParseProxyKind(rest[++i], out var kind)
                        ? command with { Proxy = kind }
                        : throw new UsageException($"--proxy must be haproxy or nginx, not '{rest[i]}'");
                    break;
                case "--no-observability":
                    command = command with { Observability = false };
                    break;
                case "--no-distance":
                    command = command with { Distance = false };
                    break;
                case "--proxy":
                    throw new UsageException("--proxy needs a value: haproxy or nginx");
                default:
                    throw new UsageException($"unknown option for up: '{rest[i]}'");
            }
        }

        return command;
    }

    private static Command ParseRestore(List<string> rest)
    {
        var command = new Command("restore");
        for (var i = 0; i < rest.Count; i++)
        {
            switch (rest[i])
            {
                case "--time" when i + 1 < rest.Count:
                    command = DateTimeOffset.TryParse(rest[++i], System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
                        ? command with { RestoreTime = time }
                        : throw new UsageException($"--time takes a date and time (ISO 8601, UTC unless it has an offset), not '{rest[i]}'");
                    break;
                case "--into" when i + 1 < rest.Count:
                    command = System.Net.IPAddress.TryParse(rest[++i], out var address)
                        ? command with { Into = address }
                        : throw new UsageException($"--into takes an IPv4 address, not '{rest[i]}'");
                    break;
                case "--drop":
                    command = command with { Drop = true };
                    break;
                default:
                    throw new UsageException($"unknown option for restore: '{rest[i]}'");
            }
        }

        return command.Drop == command.RestoreTime.HasValue
            ? throw new UsageException("restore takes either --time T or --drop")
            : command;
    }

    private static Command ParseUpgrade(List<string> rest) => rest switch
    {
        [] => new Command("upgrade"),
        ["--version", var version] when version.Length > 0 && !version.StartsWith('-') && !version.Any(char.IsWhiteSpace) => new Command("upgrade") { Version = version },
        ["--version", ..] => throw new UsageException("--version needs one value without spaces, e.g. 1.1.0"),
        _ => throw new UsageException($"unknown option for upgrade: '{string.Join(' ', rest)}'"),
    };

    private static void NoMoreArguments(string verb, List<string> rest)
    {
        if (rest.Count > 0)
        {
            throw new UsageException($"{verb} takes no arguments, got: {string.Join(' ', rest)}");
        }
    }
}
