using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.History;
using WebUI.Hosting;

namespace WebUI.Cli;

/// <summary>
/// `webui bench [--model NAME|DIR] [--steps 20] [--size 256]`: one warm-up generation, then a timed one.
/// Reports where the time goes (UNet vs. text encoder + VAE vs. everything else) and peak memory, without saving pictures.
/// </summary>
static class BenchVerb
{
    public static Command Create(CliContext context, Option<string?> dataDir)
    {
        var model = new Option<string>("--model") { Description = "Checkpoint name or model folder", DefaultValueFactory = _ => DemoModelBootstrap.DemoName };
        var steps = new Option<int>("--steps") { Description = "Sampling steps", DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size") { Description = "Width and height in pixels", DefaultValueFactory = _ => 256 };
        var sampler = new Option<string>("--sampler") { Description = "Sampler name", DefaultValueFactory = _ => new GenerationRequest().Sampler };
        var prompt = new Option<string>("--prompt") { Description = "Prompt", DefaultValueFactory = _ => "a lighthouse on a cliff at sunset" };
        var memoryMode = GenerateOptions.MemoryModeOption();
        var command = new Command("bench", "Time one generation after a warm-up run.") { model, steps, size, sampler, prompt, memoryMode };
        command.Add(HistoryBenchVerb.Create(context));
        command.SetAction((parse, cancellationToken) => WebUICommandLine.Guard(context, () =>
        {
            var request = new GenerationRequest
            {
                Model = parse.GetValue(model)!,
                Prompt = parse.GetValue(prompt) ?? "",
                Steps = parse.GetValue(steps),
                Sampler = parse.GetValue(sampler)!,
                Width = parse.GetValue(size),
                Height = parse.GetValue(size),
                Seed = 1,
            };
            var errors = FormValidator.Validate(request);
            if (errors.Count > 0) throw new UsageException(string.Join(" ", errors.Values));

            var (settings, paths) = WebUICommandLine.LoadSettings(parse.GetValue(dataDir));
            if (GenerateOptions.ParseMemoryMode(parse.GetValue(memoryMode)) is { } memory) settings.MemoryMode = memory;
            if (request.Model == DemoModelBootstrap.DemoName) DemoModelBootstrap.EnsureDemo(paths, context.Log);
            using var service = GenerationService.Create(settings, paths);
            var info = service.ResolveModel(request.Model);

            context.Error.WriteLine("warm-up run...");
            var warmUp = service.Generate(request, OutputTarget.None, null, cancellationToken);
            context.Error.WriteLine("timed run...");
            var clock = Stopwatch.StartNew();
            var outcome = service.Generate(request, OutputTarget.None, null, cancellationToken);
            double wall = clock.Elapsed.TotalSeconds;

            Report(context.Out, info.Name, info.Family, request, service.ExecutionProviders, wall, outcome.Timings, warmUp);
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory mode: {settings.MemoryMode}, working set after the run: {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0.0} MiB"));
            return Task.FromResult(WebUICommandLine.Success);
        }));
        return command;
    }

    static void Report(TextWriter o, string model, string family, GenerationRequest r, IReadOnlyList<string> providers, double wall, PipelineTimings t, GenerationOutcome warmUp)
    {
        var c = CultureInfo.InvariantCulture;
        double otherOrt = t.TextEncoderSeconds + t.VaeSeconds;
        double allOrt = t.UnetSeconds + otherOrt;
        using var process = Process.GetCurrentProcess();
        o.WriteLine(string.Create(c, $"model: {model} ({family}), {r.Width}x{r.Height}, {r.Steps} steps, {r.Sampler}, execution providers: {string.Join(", ", providers)}"));
        o.WriteLine(string.Create(c, $"warm-up run: {warmUp.Elapsed.TotalSeconds:0.000} s, of which model loading {warmUp.Timings.ModelLoadSeconds:0.000} s"));
        o.WriteLine(string.Create(c, $"wall time: {wall:0.000} s"));
        o.WriteLine(string.Create(c, $"UNet runs: {t.UnetSeconds:0.000} s in {t.UnetCalls} calls ({(t.UnetCalls > 0 ? t.UnetSeconds / t.UnetCalls * 1000 : 0):0.0} ms per call)"));
        o.WriteLine(string.Create(c, $"other ORT runs (text encoder + VAE): {otherOrt:0.000} s (text encoder {t.TextEncoderSeconds:0.000} s, VAE {t.VaeSeconds:0.000} s)"));
        o.WriteLine(string.Create(c, $"wall / all ORT time: {(allOrt > 0 ? wall / allOrt : double.NaN):0.000}"));
        o.WriteLine(string.Create(c, $"peak working set: {process.PeakWorkingSet64 / 1048576.0:0.0} MiB"));
        o.WriteLine(string.Create(c, $"GC: managed heap {GC.GetTotalMemory(false) / 1048576.0:0.0} MiB, allocated in total {GC.GetTotalAllocatedBytes() / 1048576.0:0.0} MiB, collections gen0/gen1/gen2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"));
    }
}
