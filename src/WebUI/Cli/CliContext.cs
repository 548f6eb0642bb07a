namespace WebUI.Cli;

/// <summary>
/// Where a CLI invocation writes. Tests pass string writers; <see cref="ErrorIsTerminal"/> decides whether a
/// progress bar is drawn (never into a pipe or a log file).
/// </summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool ErrorIsTerminal = false)
{
    public static CliContext FromConsole() => new(Console.Out, Console.Error, !Console.IsErrorRedirected);

    public void Log(string message) => Error.WriteLine(message);

    /// <summary>Log lines from builders, written at once (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    public IProgress<string> LogProgress => new ImmediateProgress(Log);

    sealed class ImmediateProgress(Action<string> write) : IProgress<string>
    {
        public void Report(string value) => write(value);
    }
}

/// <summary>Bad command-line input: reported as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
