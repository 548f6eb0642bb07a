using WebUI.Generation;

namespace WebUI.Cli;

/// <summary>A one-line progress bar redrawn in place with '\r' (stderr only, and only when it is a terminal).</summary>
public sealed class TerminalProgressBar(TextWriter writer)
{
    const int Width = 30;
    readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    bool _drawn;

    public void Report(JobProgress p)
    {
        int filled = (int)Math.Round(Math.Clamp(p.Fraction, 0, 1) * Width);
        string batch = p.BatchCount > 1 ? $" batch {p.Batch}/{p.BatchCount}" : "";
        writer.Write($"\r[{new string('#', filled)}{new string('-', Width - filled)}] {p.Step}/{p.Steps}{batch} {_clock.Elapsed.TotalSeconds:0.0}s ");
        writer.Flush();
        _drawn = true;
    }

    public void Finish()
    {
        if (!_drawn) return;
        writer.WriteLine();
        writer.Flush();
    }
}
