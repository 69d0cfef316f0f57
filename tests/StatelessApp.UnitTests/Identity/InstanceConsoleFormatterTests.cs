using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.UnitTests.Identity;

public class InstanceConsoleFormatterTests
{
    [Fact]
    public void Every_line_carries_region_and_instance()
    {
        var line = Format(new() { ["Instance:Region"] = "b", ["Instance:Name"] = "app-3" }, "Order placed");

        Assert.Equal("info b/app-3 Shop.Checkout[7] Order placed" + Environment.NewLine, line);
    }

    [Fact]
    public void Missing_settings_still_log_so_the_validation_error_itself_is_visible()
    {
        var line = Format([], "Instance:Region is required");

        Assert.StartsWith("info ?/? ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_line_messages_and_exceptions_stay_on_one_line()
    {
        var line = Format(new() { ["Instance:Region"] = "a", ["Instance:Name"] = "app-1" }, "first\nsecond",
            new InvalidOperationException("boom"));

        Assert.Single(line.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("first second", line, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: boom", line, StringComparison.Ordinal);
    }

    private static string Format(Dictionary<string, string?> settings, string message, Exception? exception = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new StaticOptionsMonitor(new ConsoleFormatterOptions { TimestampFormat = null });
        using var formatter = new InstanceConsoleFormatter(configuration, options);
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "Shop.Checkout", new EventId(7), message, exception,
            static (state, _) => state);

        formatter.Write(entry, scopeProvider: null, writer);
        return writer.ToString();
    }

    private sealed class StaticOptionsMonitor(ConsoleFormatterOptions value) : IOptionsMonitor<ConsoleFormatterOptions>
    {
        public ConsoleFormatterOptions CurrentValue => value;

        public ConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleFormatterOptions, string?> listener) => null;
    }
}
