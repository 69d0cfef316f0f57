using System.Diagnostics;
using System.Globalization;

namespace StatelessApp.Stack;

/// <summary>One line per step, each with the seconds since `up` began and the step's own duration.</summary>
public sealed class ProgressReporter(TextWriter output)
{
    private readonly Stopwatch _total = Stopwatch.StartNew();

    public void Line(string message) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_total.Elapsed.TotalSeconds,6:0.0}s] {message}"));

    /// <summary>Runs a step and reports it as done with its duration.</summary>
    public async Task<T> StepAsync<T>(string description, Func<Task<T>> step)
    {
        var watch = Stopwatch.StartNew();
        var result = await step();
        Line(string.Create(CultureInfo.InvariantCulture, $"{description} ({watch.Elapsed.TotalSeconds:0.0}s)"));
        return result;
    }

    public Task StepAsync(string description, Func<Task> step) =>
        StepAsync(description, async () =>
        {
            await step();
            return true;
        });
}
