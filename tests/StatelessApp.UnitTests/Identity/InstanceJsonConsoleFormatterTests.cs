using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Identity;

namespace StatelessApp.UnitTests.Identity;

public class InstanceJsonConsoleFormatterTests
{
    [Fact]
    public void Every_line_is_one_JSON_object_with_trace_and_span_ids_region_and_instance()
    {
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();

        var line = Format(new() { ["Instance:Region"] = "b", ["Instance:Name"] = "app-3" }, "Order {OrderId} placed\nfor {Shopper}");

        Assert.Single(line.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(activity.TraceId.ToHexString(), json.GetProperty("TraceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), json.GetProperty("SpanId").GetString());
        Assert.Equal("b", json.GetProperty("Region").GetString());
        Assert.Equal("app-3", json.GetProperty("Instance").GetString());
        Assert.Equal("Information", json.GetProperty("LogLevel").GetString());
        Assert.Equal("Shop.Checkout", json.GetProperty("Category").GetString());
        Assert.Equal(7, json.GetProperty("EventId").GetInt32());
        Assert.Equal("Order 42 placed\nfor s-1", json.GetProperty("Message").GetString());
        Assert.Equal("42", json.GetProperty("State").GetProperty("OrderId").GetString());
    }

    [Fact]
    public void Outside_an_activity_a_line_has_no_ids_but_still_region_and_instance()
    {
        var line = Format([], "Instance:Region is required", new InvalidOperationException("boom"));

        var json = JsonDocument.Parse(line).RootElement;
        Assert.False(json.TryGetProperty("TraceId", out _));
        Assert.Equal("?", json.GetProperty("Region").GetString());
        Assert.Contains("InvalidOperationException: boom", json.GetProperty("Exception").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, InstanceConsoleFormatter.FormatterName)]
    [InlineData("instance-json", InstanceJsonConsoleFormatter.FormatterName)]
    [InlineData("json", "json")]
    public void Logging_Console_FormatterName_chooses_the_console_format(string? configured, string chosen)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, Args = [] });
        if (configured is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = configured });
        }

        builder.AddInstanceIdentity();
        using var host = builder.Build();

        Assert.Equal(chosen, host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.Contains(host.Services.GetServices<ConsoleFormatter>(), formatter => formatter.Name == chosen);
    }

    private static string Format(Dictionary<string, string?> settings, string template, Exception? exception = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var formatter = new InstanceJsonConsoleFormatter(configuration, new StaticOptionsMonitor(new JsonConsoleFormatterOptions()));
        using var writer = new StringWriter();
        var state = new LogValues(template, ("OrderId", 42), ("Shopper", "s-1"));
        var entry = new LogEntry<LogValues>(LogLevel.Information, "Shop.Checkout", new EventId(7), state, exception, static (s, _) => s.ToString());

        formatter.Write(entry, scopeProvider: null, writer);
        return writer.ToString();
    }

    /// <summary>A structured log entry's state, as LoggerMessage makes it: the values by name and the message.</summary>
    private sealed class LogValues(string template, params (string Key, object Value)[] values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => values.Length;

        public KeyValuePair<string, object?> this[int index] => new(values[index].Key, values[index].Value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => values.Aggregate(template, (text, v) => text.Replace("{" + v.Key + "}", v.Value.ToString(), StringComparison.Ordinal));
    }

    private sealed class StaticOptionsMonitor(JsonConsoleFormatterOptions value) : IOptionsMonitor<JsonConsoleFormatterOptions>
    {
        public JsonConsoleFormatterOptions CurrentValue => value;

        public JsonConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<JsonConsoleFormatterOptions, string?> listener) => null;
    }
}
