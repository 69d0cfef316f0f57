using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Identity;

/// <summary>
/// One JSON object per log entry, for log shippers (<c>Logging:Console:FormatterName=instance-json</c>): the fields of
/// ASP.NET Core's own JSON formatter (Timestamp, EventId, LogLevel, Category, Message, Exception, State, Scopes) plus
/// TraceId and SpanId of the current activity, Region and Instance, on every line:
/// <c>{"Timestamp":"…","EventId":0,"LogLevel":"Information","Category":"…","Message":"…","TraceId":"4bf9…","SpanId":"00f0…","Region":"a","Instance":"app-1",…}</c>
/// </summary>
/// <remarks>
/// The ids come from <see cref="Activity.Current"/> (the console logger formats on the thread that logs), so a line
/// written outside a request has none; region and instance are stamped whoever writes (see <see cref="InstanceConsoleFormatter"/>).
/// </remarks>
internal sealed class InstanceJsonConsoleFormatter(IConfiguration configuration, IOptionsMonitor<JsonConsoleFormatterOptions> options)
    : InstanceFormatter<JsonConsoleFormatterOptions>(FormatterName, configuration, options)
{
    public const string FormatterName = "instance-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var options = Options;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options.JsonWriterOptions with { Indented = false }))
        {
            writer.WriteStartObject();
            var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            writer.WriteString("Timestamp", options.TimestampFormat is { } format
                ? now.ToString(format, CultureInfo.InvariantCulture)
                : now.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteNumber("EventId", logEntry.EventId.Id);
            writer.WriteString("LogLevel", logEntry.LogLevel.ToString());
            writer.WriteString("Category", logEntry.Category);
            writer.WriteString("Message", message);
            if (logEntry.Exception is not null)
            {
                writer.WriteString("Exception", logEntry.Exception.ToString());
            }

            if (Activity.Current is { } activity)
            {
                writer.WriteString("TraceId", activity.TraceId.ToHexString());
                writer.WriteString("SpanId", activity.SpanId.ToHexString());
            }

            writer.WriteString("Region", Instance.Region);
            writer.WriteString("Instance", Instance.Name);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
            {
                writer.WriteStartObject("State");
                foreach (var (key, value) in state)
                {
                    writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                writer.WriteEndObject();
            }

            if (options.IncludeScopes && scopeProvider is not null)
            {
                writer.WriteStartArray("Scopes");
                scopeProvider.ForEachScope(static (scope, json) => json.WriteStringValue(Convert.ToString(scope, CultureInfo.InvariantCulture)), writer);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }
}
