using System.CommandLine;
using WebUI.ModelForge;
using WebUI.ModelForge.Demo;

namespace WebUI.Cli;

/// <summary>
/// `webui forge demo|tiny|sd15-shape [--out DIR] [--fp16]`: writes the generated ONNX model folders.
/// tiny writes every folder of <see cref="TinyModels.All"/> (SD 1.5 per export dialect, SD 2.1-v, SDXL base/refiner/turbo,
/// SD-Turbo, LCM, 9-channel inpainting); sd15-shape is the full SD 1.5 architecture with random weights (for timing,
/// not for pictures).
/// </summary>
static class ForgeVerb
{
    public static Command Create(CliContext context, Option<string?> dataDir)
    {
        var kind = new Argument<string>("kind") { Description = "demo, tiny or sd15-shape" };
        kind.AcceptOnlyFromAmong("demo", "tiny", "sd15-shape");
        var output = new Option<string?>("--out") { Description = "Output folder (default: under <data>/models/Stable-diffusion/)" };
        var fp16 = new Option<bool>("--fp16") { Description = "sd15-shape only: fp16 weights" };
        var command = new Command("forge", "Build a generated ONNX model folder.") { kind, output, fp16 };
        command.SetAction(parse => WebUICommandLine.Guard(context, () =>
        {
            string what = parse.GetValue(kind)!;
            bool half = parse.GetValue(fp16);
            if (half && what != "sd15-shape") throw new UsageException("--fp16 applies to sd15-shape only.");
            var (_, paths) = WebUICommandLine.LoadSettings(parse.GetValue(dataDir));
            string? outDir = parse.GetValue(output);
            var log = context.LogProgress;
            switch (what)
            {
                case "demo":
                {
                    string dir = RequireFresh(outDir ?? paths.DemoModelDir);
                    context.Out.WriteLine(DemoModel.Build(dir, log));
                    break;
                }
                case "tiny":
                {
                    string root = outDir ?? paths.CheckpointsDir;
                    foreach (var tiny in TinyModels.All)
                        context.Out.WriteLine(tiny.Build(RequireFresh(Path.Combine(root, tiny.Name))));
                    break;
                }
                default:
                {
                    string dir = RequireFresh(outDir ?? Path.Combine(paths.CheckpointsDir, half ? "sd15-shape-fp16" : "sd15-shape"));
                    context.Out.WriteLine(Sd15Shape.Build(dir, half, log));
                    break;
                }
            }
            return WebUICommandLine.Success;
        }));
        return command;
    }

    /// <summary>Never mixes new files into an existing model folder.</summary>
    static string RequireFresh(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new IOException($"{full} already exists and is not empty; remove it or choose another --out.");
        return full;
    }
}
