using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// Keeps every log line the proxy writes, so tests can assert what it logged (and that no secret is in it),
/// and echoes them to the test output for diagnosis. A proxy in this process logs through it as a logger
/// provider; a proxy process's output lines are <see cref="Add"/>ed.
/// </summary>
public sealed class CapturedLogs(ITestOutputHelper? output) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public void Add(string line)
    {
        _lines.Enqueue(line);
        try
        {
            output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed, but the line is still kept above.
        }
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Add($"{logLevel} {category}[{eventId.Name}] {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
