using System.CommandLine;
using System.Text.Json;
using WebUI.Generation;
using WebUI.Hosting;

namespace WebUI.Cli;

/// <summary>`webui tokenize --model NAME|DIR TEXT`: the model tokenizer's ids as a JSON array (no BOS/EOS, no truncation).</summary>
static class TokenizeVerb
{
    public static Command Create(CliContext context, Option<string?> dataDir)
    {
        var model = new Option<string>("--model") { Description = "Checkpoint name or model folder", DefaultValueFactory = _ => DemoModelBootstrap.DemoName };
        var text = new Argument<string>("text") { Description = "Text to tokenize" };
        var command = new Command("tokenize", "Print the token ids of a text as a JSON array.") { model, text };
        command.SetAction(parse => WebUICommandLine.Guard(context, () =>
        {
            var (settings, paths) = WebUICommandLine.LoadSettings(parse.GetValue(dataDir));
            string modelName = parse.GetValue(model)!;
            if (modelName == DemoModelBootstrap.DemoName) DemoModelBootstrap.EnsureDemo(paths, context.Log);
            using var service = GenerationService.Create(settings, paths);
            int[] ids = service.Tokenize(modelName, parse.GetValue(text) ?? "");
            context.Out.WriteLine(JsonSerializer.Serialize(ids));
            return WebUICommandLine.Success;
        }));
        return command;
    }
}
