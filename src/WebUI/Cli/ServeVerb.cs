using System.CommandLine;
using WebUI.Hosting;

namespace WebUI.Cli;

/// <summary>`webui` / `webui serve [--listen] [--port 7860] [--data-dir DIR]`: the web UI.</summary>
static class ServeVerb
{
    public static Command Create(CliContext context, Option<string?> dataDir)
    {
        var serve = new Command("serve", "Serve the web UI (the default command).");
        Configure(serve, context, dataDir);
        return serve;
    }

    /// <summary>Adds the serve options and action to a command (the root command serves too).</summary>
    public static void Configure(Command command, CliContext context, Option<string?> dataDir)
    {
        var listen = new Option<bool>("--listen") { Description = "Listen on all network interfaces (0.0.0.0) instead of 127.0.0.1" };
        var port = new Option<int?>("--port") { Description = "Port (default 7860, or the next free one when busy)" };
        command.Add(listen);
        command.Add(port);
        var apiFlags = WebUI.Api.ApiServeFlags.AddTo(command);
        // ASP.NET settings such as --urls=... or --WebUI:IntraOpThreads=2 pass through to the host's configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => WebUICommandLine.Guard(context, async () =>
        {
            string[] hostArgs = [.. HostArguments(parse.UnmatchedTokens), .. apiFlags.HostArguments(parse)];
            int? portValue = parse.GetValue(port);
            if (portValue is < 1 or > 65535) throw new UsageException($"--port must be between 1 and 65535, got {portValue}.");
            var app = WebHostFactory.Build(hostArgs, new ServeOptions(parse.GetValue(dataDir), portValue, parse.GetValue(listen) ? true : null));
            await app.StartAsync(cancellationToken);
            foreach (string url in app.Urls) context.Out.WriteLine($"Running on local URL:  {url}");
            await app.WaitForShutdownAsync(cancellationToken);
            return WebUICommandLine.Success;
        }));
    }

    /// <summary>Only <c>--key=value</c> tokens pass through; anything else is a typo we should report.</summary>
    internal static string[] HostArguments(IReadOnlyList<string> unmatched)
    {
        foreach (string token in unmatched)
        {
            if (!token.StartsWith("--", StringComparison.Ordinal) || !token.Contains('='))
                throw new UsageException($"Unrecognized command or argument '{token}'.");
        }
        return [.. unmatched];
    }
}
