using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Identity;

/// <summary>
/// One console line per log entry, prefixed with "region/instance":
/// <c>2026-11-25T20:41:06.123Z info  a/app-1 Microsoft.Hosting.Lifetime[14] Now listening on ...</c>
/// </summary>
/// <remarks>
/// A formatter rather than a logging scope: scopes flow with the async context, so log lines written by
/// background work (hosted services, timers, the Redis multiplexer's callbacks) would miss a scope pushed per
/// request. The formatter stamps every line, whoever writes it.
/// </remarks>
internal sealed class InstanceConsoleFormatter(IConfiguration configuration, IOptionsMonitor<ConsoleFormatterOptions> options)
    : InstanceFormatter<ConsoleFormatterOptions>(FormatterName, configuration, options)
{
    public const string FormatterName = "instance";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var options = Options;
        if (options.TimestampFormat is { } timestampFormat)
        {
            var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            textWriter.Write(now.ToString(timestampFormat, System.Globalization.CultureInfo.InvariantCulture));
            textWriter.Write(' ');
        }

        textWriter.Write(LevelLabel(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.Write(Instance.Label);
        textWriter.Write(' ');
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");

        if (options.IncludeScopes && scopeProvider is not null)
        {
            scopeProvider.ForEachScope(static (scope, writer) =>
            {
                writer.Write("=> ");
                writer.Write(scope);
                writer.Write(' ');
            }, textWriter);
        }

        // One entry, one line: multi-line messages would break log shipping and grep.
        textWriter.Write(message?.ReplaceLineEndings(" "));
        if (logEntry.Exception is not null)
        {
            textWriter.Write(' ');
            textWriter.Write(logEntry.Exception.ToString().ReplaceLineEndings(" | "));
        }

        textWriter.Write(Environment.NewLine);
    }

    private static string LevelLabel(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
