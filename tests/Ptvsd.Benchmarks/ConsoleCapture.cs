namespace Ptvsd.Benchmarks;

/// <summary>
/// Redirects <see cref="Console.Out"/> and <see cref="Console.Error"/> into a buffer until disposed.
/// The proxy forwards its app's output (Flask's start-up banner and request log) to this process's
/// console, where it would tear the table apart; it is kept to explain a failure instead.
/// </summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _originalOut = Console.Out;
    private readonly TextWriter _originalError = Console.Error;
    private readonly StringWriter _buffer = new();
    private readonly TextWriter _writer;

    public ConsoleCapture()
    {
        // Synchronized: the app's stdout and stderr lines arrive on different threads.
        _writer = TextWriter.Synchronized(_buffer);
        Console.SetOut(_writer);
        Console.SetError(_writer);
    }

    /// <summary>The last <paramref name="count"/> lines captured so far.</summary>
    public string Tail(int count)
    {
        string text;

        // The synchronized writer locks on itself; taking the same lock reads a consistent buffer.
        lock (_writer)
        {
            text = _buffer.ToString();
        }

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no output)" : string.Join('\n', lines.TakeLast(count));
    }

    public void Dispose()
    {
        Console.SetOut(_originalOut);
        Console.SetError(_originalError);
    }
}
