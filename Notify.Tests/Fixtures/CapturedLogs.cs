using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Notify.Tests.Fixtures;

/// <summary>A logging provider that keeps every entry, formatted as a text log would write it, with its arguments.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <summary>One log entry.</summary>
    /// <param name="Values">The message's arguments, as strings.</param>
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyList<string> Values);

    /// <summary>Every entry so far.</summary>
    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(pair => Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()
                : [];
            logs._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception, values));
        }
    }
}
