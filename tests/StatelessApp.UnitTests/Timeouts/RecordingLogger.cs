using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StatelessApp.UnitTests.Timeouts;

/// <summary>Keeps the level and event id of every log line, to assert that a timeout is logged and a cancel is not.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Message)> _lines = new();

    public IReadOnlyCollection<(LogLevel Level, int EventId, string Message)> Lines => _lines;

    public IEnumerable<(LogLevel Level, int EventId, string Message)> Warnings => _lines.Where(line => line.Level >= LogLevel.Warning);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
}
