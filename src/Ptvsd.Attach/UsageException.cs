namespace Ptvsd.Attach;

/// <summary>
/// A mistake in what the user typed, or in the file they pointed at: shown as one line on stderr, exit code 2, never
/// with a stack trace. Messages name what is wrong without quoting the secret.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
