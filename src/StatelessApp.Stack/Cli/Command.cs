using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Cli;

/// <summary>A parsed command line.</summary>
public sealed record Command(string Verb)
{
    public bool Fresh { get; init; }

    public ProxyKind? Proxy { get; init; }

    /// <summary>Node or region for kill/start/logs.</summary>
    public string? Target { get; init; }

    /// <summary>logs: keep following (tail -F).</summary>
    public bool Follow { get; init; }

    public const string Usage = """
        usage: ./stack <command>
          up [--fresh] [--proxy haproxy|nginx]   build the app, start the two-region stack, wait until healthy
          status                                 every process: address, role (which Redis/PostgreSQL is primary), health, pid
          down                                   stop everything (data is kept; `up --fresh` wipes it)
          logs [-f] [NAME]                       tail one node's log (or the last lines of every log)
          kill NAME|region-a|region-b|witness    SIGKILL, as a crash would (fault drills)
          start NAME|region-a|region-b|witness   start stopped nodes again and wait until healthy
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
            case "status" or "down":
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
                case "--proxy":
                    throw new UsageException("--proxy needs a value: haproxy or nginx");
                default:
                    throw new UsageException($"unknown option for up: '{rest[i]}'");
            }
        }

        return command;
    }

    private static void NoMoreArguments(string verb, List<string> rest)
    {
        if (rest.Count > 0)
        {
            throw new UsageException($"{verb} takes no arguments, got: {string.Join(' ', rest)}");
        }
    }
}
