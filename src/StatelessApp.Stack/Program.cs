using StatelessApp.Stack;
using StatelessApp.Stack.Backups;
using StatelessApp.Stack.Cli;
using StatelessApp.Stack.Topology;

// `./stack <command>`: the bash wrapper builds this controller and runs it. Exit codes: 0 done, 1 failed, 2 bad usage.
Command command;
try
{
    command = Command.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"stack: {e.Message}");
    Console.Error.WriteLine(Command.Usage);
    return 2;
}

if (command.Verb == "help")
{
    Console.WriteLine(Command.Usage);
    return 0;
}

try
{
    using var controller = StackController.ForRepository(proxy: command.Proxy);
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    switch (command.Verb)
    {
        case "up":
            await controller.UpAsync(new UpOptions { Fresh = command.Fresh, Observability = command.Observability, Distance = command.Distance }, interrupted.Token);
            return 0;
        case "down":
            await controller.DownAsync();
            return 0;
        case "status":
            var rows = await controller.StatusAsync(interrupted.Token);
            Console.WriteLine(StatusTable.Format(rows));
            Console.WriteLine($"Distance:           {controller.DistanceSummary()}");
            return 0;
        case "kill":
            return controller.Kill(command.Target!).Count > 0 ? 0 : 1;
        case "start":
            await controller.StartAsync(command.Target!, interrupted.Token);
            return 0;
        case "rebuild":
            await controller.RebuildAsync(command.Target!["region-".Length..], command.Switchover, interrupted.Token);
            return 0;
        case "rotate" when command.Target == "secrets":
            await controller.RotateSecretsAsync(interrupted.Token);
            return 0;
        case "rotate":
            throw new StackException("rotate certificates is not implemented yet (docs/operations.md, \"Rotating secrets and certificates\")");
        case "backup":
            await new StackBackup(controller, Console.Out).RunAsync(command.Full ? BackupType.Full : BackupType.Diff, interrupted.Token);
            return 0;
        case "restore":
            var restore = new PointInTimeRestore(controller, Console.Out);
            var into = command.Into ?? controller.Topology.RestoreAddress;
            await (command.Drop ? restore.DropAsync(into, cancellationToken: interrupted.Token) : restore.RestoreAsync(command.RestoreTime!.Value, into, interrupted.Token));
            return 0;
        case "upgrade":
            await controller.UpgradeAsync(command.Version, interrupted.Token);
            return 0;
        case "rollback":
            await controller.RollbackAsync(interrupted.Token);
            return 0;
        case "logs":
            return LogsCommand.Run(controller, command.Target, command.Follow, Console.Out);
        default:
            throw new UsageException($"unknown command '{command.Verb}'");
    }
}
catch (Exception e) when (e is ArgumentException or UsageException)
{
    Console.Error.WriteLine($"stack: {e.Message}");
    Console.Error.WriteLine(Command.Usage);
    return 2;
}
catch (Exception e) when (e is StackException or TopologyException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
{
    Console.Error.WriteLine($"stack: {e.Message}");
    if (command.Verb is "upgrade" or "rollback")
    {
        Console.Error.WriteLine("stack: if the roll had begun, the instances already rolled run the new release (current in .stack/state.env): `./stack rollback` rolls them back; `./stack status` shows who is healthy.");
    }
    else if (command.Verb is "up" or "start")
    {
        Console.Error.WriteLine("stack: the servers that did start keep running: fix the cause and run the command again, or `./stack down`.");
    }

    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("stack: interrupted (servers already started keep running; `./stack down` stops them)");
    return 130;
}
