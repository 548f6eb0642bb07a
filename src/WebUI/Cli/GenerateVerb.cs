using System.CommandLine;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Generation;
using WebUI.History;
using WebUI.Hosting;

namespace WebUI.Cli;

/// <summary>
/// `webui generate --prompt T [...]`: txt2img, or img2img with --init-image. Writes PNGs (with A1111 infotext),
/// prints each path on its own line on stdout, and draws a progress bar on stderr when that is a terminal.
/// </summary>
static class GenerateVerb
{
    public static Command Create(CliContext context, Option<string?> dataDir)
    {
        var defaults = new GenerationRequest();
        var model = new Option<string>("--model") { Description = "Checkpoint name under models/Stable-diffusion, or a model folder", DefaultValueFactory = _ => DemoModelBootstrap.DemoName };
        var prompt = new Option<string>("--prompt") { Description = "Prompt (A1111 syntax)", Required = true };
        var negative = new Option<string>("--negative-prompt") { Description = "Negative prompt", DefaultValueFactory = _ => "" };
        var steps = new Option<int>("--steps") { Description = "Sampling steps", DefaultValueFactory = _ => defaults.Steps };
        var sampler = new Option<string>("--sampler") { Description = $"Sampler name as in A1111: {SamplerList}", DefaultValueFactory = _ => defaults.Sampler };
        var scheduler = new Option<string>("--scheduler") { Description = $"Schedule type: {SchedulerList}", DefaultValueFactory = _ => defaults.Scheduler };
        var cfg = new Option<double>("--cfg-scale") { Description = "Classifier-free guidance scale", DefaultValueFactory = _ => defaults.CfgScale };
        var seed = new Option<long>("--seed") { Description = "Seed; -1 picks a random one", DefaultValueFactory = _ => -1 };
        var width = new Option<int>("--width") { Description = "Width in pixels (multiple of 8)", DefaultValueFactory = _ => defaults.Width };
        var height = new Option<int>("--height") { Description = "Height in pixels (multiple of 8)", DefaultValueFactory = _ => defaults.Height };
        var batchSize = new Option<int>("--batch-size") { Description = "Pictures per batch", DefaultValueFactory = _ => 1 };
        var batchCount = new Option<int>("--batch-count") { Description = "Number of batches", DefaultValueFactory = _ => 1 };
        var initImage = new Option<FileInfo?>("--init-image") { Description = "Init image for img2img (PNG, JPEG, WebP, BMP)" };
        var strength = new Option<double?>("--denoising-strength") { Description = "img2img denoising strength, 0..1 (default 0.75)" };
        var extra = new GenerateOptions();
        var output = new Option<string?>("--out") { Description = "Output folder, or a .png file name (default <data>/outputs/txt2img-images/YYYY-MM-DD/)" };

        var command = new Command("generate", "Generate pictures from the command line.")
        {
            model, prompt, negative, steps, sampler, scheduler, cfg, seed, width, height, batchSize, batchCount, initImage, strength, output,
        };
        foreach (var option in extra.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => WebUICommandLine.Guard(context, () =>
        {
            FileInfo? init = parse.GetValue(initImage);
            double? denoise = parse.GetValue(strength);
            if (denoise is not null && init is null && !extra.HiresRequested(parse)) throw new UsageException("--denoising-strength needs --init-image or the hires fix (--hr-scale ...).");
            if (init is not null && !init.Exists) throw new FileNotFoundException($"Init image not found: {init.FullName}");

            var (samplerName, schedulerName) = ResolveSampler(parse.GetValue(sampler), parse.GetValue(scheduler));
            var request = new GenerationRequest
            {
                Model = parse.GetValue(model)!,
                Prompt = parse.GetValue(prompt) ?? "",
                NegativePrompt = parse.GetValue(negative) ?? "",
                Steps = parse.GetValue(steps),
                Sampler = samplerName,
                Scheduler = schedulerName,
                CfgScale = parse.GetValue(cfg),
                Seed = parse.GetValue(seed),
                Width = parse.GetValue(width),
                Height = parse.GetValue(height),
                BatchSize = parse.GetValue(batchSize),
                BatchCount = parse.GetValue(batchCount),
                InitImage = init is null ? null : File.ReadAllBytes(init.FullName),
                DenoisingStrength = denoise ?? defaults.DenoisingStrength,
            };
            request = extra.Apply(parse, request, denoise);
            var errors = FormValidator.Validate(request);
            if (errors.Count > 0) throw new UsageException(string.Join(" ", errors.Values));

            var (settings, paths) = WebUICommandLine.LoadSettings(parse.GetValue(dataDir));
            if (GenerateOptions.ParseMemoryMode(parse.GetValue(extra.MemoryMode)) is { } memory) settings.MemoryMode = memory;
            if (request.Model == DemoModelBootstrap.DemoName) DemoModelBootstrap.EnsureDemo(paths, context.Log);

            string? outPath = parse.GetValue(output);
            OutputTarget target = outPath is null ? OutputTarget.Default
                : outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? OutputTarget.File(outPath)
                : OutputTarget.Folder(outPath);

            using var service = GenerationService.Create(settings, paths);
            var bar = context.ErrorIsTerminal ? new TerminalProgressBar(context.Error) : null;
            GenerationOutcome outcome;
            try
            {
                outcome = service.Generate(request, target, bar is null ? null : bar.Report, cancellationToken);
            }
            finally
            {
                bar?.Finish();
            }
            foreach (var picture in outcome.Pictures) context.Out.WriteLine(picture.FilePath);
            return Task.FromResult(WebUICommandLine.Success);
        }));
        return command;
    }

    static string SamplerList => string.Join(", ", SamplerCatalog.Names);
    static string SchedulerList => string.Join(", ", SamplerCatalog.SchedulerLabels);

    /// <summary>A1111 names (and aliases) → canonical ones; an unknown name is a usage error (exit 2) listing the valid ones.</summary>
    static (string Sampler, string Scheduler) ResolveSampler(string? sampler, string? scheduler)
    {
        try { return SamplerCatalog.Resolve(sampler, scheduler); }
        catch (KeyNotFoundException e) when (e.Message.StartsWith("Scheduler", StringComparison.Ordinal))
        {
            throw new UsageException($"Unknown --scheduler '{scheduler}'. Schedule types: {SchedulerList}.");
        }
        catch (KeyNotFoundException)
        {
            throw new UsageException($"Unknown --sampler '{sampler}'. Samplers: {SamplerList}.");
        }
    }
}
