using WebUI.Cli;

namespace WebUI.Tests.Support;

/// <summary>Runs the `webui` command line in-process and captures stdout/stderr.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await WebUICommandLine.InvokeAsync(args, new CliContext(stdout, stderr, ErrorIsTerminal: false));
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
