using System.CommandLine;
using WebUI.Hosting;

namespace WebUI.Cli;

/// <summary>
/// The `webui` command line: serve (the default), generate, png-info, tokenize, forge, bench.
/// Exit codes: 0 success, 1 failure at run time (missing file, broken model...), 2 bad usage. Errors are one line on stderr.
/// </summary>
public static class WebUICommandLine
{
    public const int Success = 0, Failure = 1, Usage = 2;

    public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, CliContext.FromConsole());

    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = Build(context);
        // No response files: a prompt such as "@artist style" must stay a prompt.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        bool serving = parsed.CommandResult.Command is RootCommand || parsed.CommandResult.Command.Name == "serve";
        // Only serve passes unknown --key=value settings on to the web host; every other verb must know all its tokens.
        string? error = parsed.Errors.Count > 0 ? parsed.Errors[0].Message
            : !serving && parsed.UnmatchedTokens.Count > 0 ? $"Unrecognized command or argument '{parsed.UnmatchedTokens[0]}'."
            : null;
        if (error is not null)
        {
            context.Error.WriteLine($"webui: error: {OneLine(error)}");
            return Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // Our actions report their own errors; and the web host must see its own abort exception (WebApplicationFactory).
            EnableDefaultExceptionHandler = false,
            // The web host handles Ctrl+C itself; for the other verbs it cancels the job.
            ProcessTerminationTimeout = serving ? null : TimeSpan.FromSeconds(5),
        };
        return await parsed.InvokeAsync(invocation, cancellationToken);
    }

    public static RootCommand Build(CliContext context)
    {
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Data folder holding models/ and outputs/ (default: 'data' under the current directory, or WebUI:DataDir)",
            Recursive = true,
        };
        var root = new RootCommand("WebUI: an AUTOMATIC1111-compatible Stable Diffusion web UI in C# on ONNX Runtime. Without a command it serves the web UI.");
        root.Add(dataDir);
        ServeVerb.Configure(root, context, dataDir);
        root.Add(ServeVerb.Create(context, dataDir));
        root.Add(GenerateVerb.Create(context, dataDir));
        root.Add(PngInfoVerb.Create(context));
        root.Add(TokenizeVerb.Create(context, dataDir));
        root.Add(ForgeVerb.Create(context, dataDir));
        root.Add(BenchVerb.Create(context, dataDir));
        root.Add(HistoryVerb.Create(context, dataDir));
        root.Add(PromptVerb.Create(context));
        root.Add(NoiseVerb.Create(context));
        return root;
    }

    /// <summary>Runs a verb body and turns failures into one line on stderr plus the right exit code.</summary>
    internal static async Task<int> Guard(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"webui: error: {OneLine(e.Message)}");
            return Usage;
        }
        catch (Microsoft.Extensions.Hosting.HostAbortedException)
        {
            throw; // WebApplicationFactory stops the entry point this way once it has the host.
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("webui: interrupted");
            return 130;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"webui: error: {OneLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("WEBUI_DEBUG") == "1") context.Error.WriteLine(e);
            return Failure;
        }
    }

    internal static int Guard(CliContext context, Func<int> body) =>
        Guard(context, () => Task.FromResult(body())).GetAwaiter().GetResult();

    /// <summary>Settings and paths for a verb, with --data-dir applied.</summary>
    internal static (WebUISettings Settings, WebUIPaths Paths) LoadSettings(string? dataDir)
    {
        var settings = SettingsLoader.LoadForCli(SettingsLoader.Overrides(dataDir));
        return (settings, WebUIPaths.From(settings));
    }

    static string OneLine(string message) => string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
