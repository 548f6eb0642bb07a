using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using WebUI.History;

namespace WebUI.Cli;

/// <summary>
/// `webui history list [--query TEXT] [--limit N] [--favourites] [--json]`: indexed pictures, newest first.
/// `webui history reconcile`: compares the folders with the index (rebuilding it when missing) and prints what changed.
/// Both open the database, so they refuse to run beside a server that holds it.
/// </summary>
static class HistoryVerb
{
    public static Command Create(CliContext context, Option<string?> dataDir)
    {
        var history = new Command("history", "List the image history or reconcile it with the output folders.");
        history.Add(List(context, dataDir));
        history.Add(Reconcile(context, dataDir));
        return history;
    }

    static Command List(CliContext context, Option<string?> dataDir)
    {
        var query = new Option<string?>("--query") { Description = "Words of the prompt (word starts; \"quoted\" words match whole)" };
        var limit = new Option<int>("--limit") { Description = "Most pictures to list", DefaultValueFactory = _ => 20 };
        var favourites = new Option<bool>("--favourites") { Description = "Only favourites" };
        var json = new Option<bool>("--json") { Description = "JSON array instead of text lines" };
        var command = new Command("list", "List indexed pictures, newest first.") { query, limit, favourites, json };
        command.SetAction(parse => WebUICommandLine.Guard(context, () =>
        {
            int max = parse.GetValue(limit);
            if (max < 1) throw new UsageException($"--limit must be at least 1, got {max}.");
            var (settings, paths) = WebUICommandLine.LoadSettings(parse.GetValue(dataDir));
            using var host = HistoryHost.Open(settings, paths);
            var filter = new HistoryQuery { Text = parse.GetValue(query) ?? "", FavouritesOnly = parse.GetValue(favourites) };
            var records = host.Store.QueryDatabase(filter, max);
            if (host.Store.NeedsRebuild)
            {
                context.Log("The history index is missing or outdated; rebuilding it from the files...");
                context.Log(host.Reconciler.Run().ToString());
                records = host.Store.QueryDatabase(filter, max);
            }
            if (parse.GetValue(json)) context.Out.WriteLine(JsonSerializer.Serialize(records.Select(ToJson), JsonOptions));
            else foreach (var r in records) context.Out.WriteLine(ToLine(r));
            return WebUICommandLine.Success;
        }));
        return command;
    }

    static Command Reconcile(CliContext context, Option<string?> dataDir)
    {
        var command = new Command("reconcile", "Index new pictures in the output (and extra) folders and drop entries whose file is gone.");
        command.SetAction((parse, cancellationToken) => WebUICommandLine.Guard(context, () =>
        {
            var (settings, paths) = WebUICommandLine.LoadSettings(parse.GetValue(dataDir));
            using var host = HistoryHost.Open(settings, paths);
            var progress = context.ErrorIsTerminal ? new InlineProgress(p =>
            {
                context.Error.Write($"\r{p.Scanned} pictures scanned, {p.Added} added, {p.Skipped} skipped ");
                context.Error.Flush();
            }) : null;
            var report = host.Reconciler.Run(progress, cancellationToken);
            if (progress is not null) context.Error.WriteLine();
            context.Out.WriteLine(report.ToString());
            return Task.FromResult(WebUICommandLine.Success);
        }));
        return command;
    }

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    static object ToJson(HistoryRecord r) => new Dictionary<string, object?>
    {
        ["id"] = r.Id,
        ["path"] = r.Path,
        ["created"] = r.CreatedUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["kind"] = r.Kind,
        ["prompt"] = r.Prompt,
        ["negative_prompt"] = r.NegativePrompt,
        ["model"] = r.Model,
        ["sampler"] = r.Sampler,
        ["scheduler"] = r.Scheduler,
        ["steps"] = r.Steps,
        ["cfg_scale"] = r.CfgScale,
        ["seed"] = r.Seed,
        ["width"] = r.Width,
        ["height"] = r.Height,
        ["user"] = r.User,
        ["favourite"] = r.Favourite,
        ["tags"] = r.Tags,
        ["parameters"] = r.Parameters,
        ["infotext"] = r.Infotext,
    };

    static string ToLine(HistoryRecord r)
    {
        string prompt = r.Prompt.ReplaceLineEndings(" ");
        if (prompt.Length > 80) prompt = prompt[..77] + "...";
        string star = r.Favourite ? "*" : " ";
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.CreatedUtc.ToLocalTime():yyyy-MM-dd HH:mm:ss} {star} {r.Width}x{r.Height} seed {r.Seed} {r.Model}  {r.Path}  {prompt}");
    }

    sealed class InlineProgress(Action<ReconcileProgress> report) : IProgress<ReconcileProgress>
    {
        public void Report(ReconcileProgress value) => report(value);
    }
}
