using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ptvsd.Benchmarks;

/// <summary>
/// Collects the proxy's warnings and errors instead of printing them, so no log line lands in the
/// middle of the table; the report lists them at the end (a clean run has none).
/// </summary>
internal sealed class ProxyWarnings : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <summary>Nothing to release: the entries outlive the proxies that wrote them.</summary>
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var problem = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{problem}");
            }
        }
    }
}
