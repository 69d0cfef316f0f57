using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StatelessApp.IntegrationTests.Fixtures;

/// <summary>Keeps every log line of a test app so tests can assert that a failure was logged clearly.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, _lines);

    public void Dispose()
    {
    }

    public sealed record LogLine(string Category, LogLevel Level, string Message);

    private sealed class ListLogger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception)));
    }
}
