using System.Diagnostics;

namespace StatelessApp.Stack.Cli;

/// <summary>`stack logs [-f] [NAME]`: one node's log (followed with -f), or the last lines of every log.</summary>
public static class LogsCommand
{
    public static int Run(StackController controller, string? node, bool follow, TextWriter output)
    {
        if (node is not null)
        {
            if (node is not ("build" or "migrate"))
            {
                controller.Resolve(node); // validates the name
            }

            var file = controller.Paths.LogOf(node);
            if (!File.Exists(file))
            {
                output.WriteLine($"no log yet for {node} ({file})");
                return 1;
            }

            if (!follow)
            {
                output.WriteLine(StackController.Tail(file, 100));
                return 0;
            }

            using var tail = Process.Start("tail", ["-n", "100", "-F", file]);
            tail.WaitForExit();
            return tail.ExitCode;
        }

        if (follow)
        {
            throw new UsageException("logs -f needs a node name");
        }

        var files = Directory.Exists(controller.Paths.Logs) ? Directory.GetFiles(controller.Paths.Logs, "*.log") : [];
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            output.WriteLine($"==> {Path.GetFileNameWithoutExtension(file)} <==");
            output.WriteLine(StackController.Tail(file, 5));
        }

        return 0;
    }
}
