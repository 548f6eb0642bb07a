using System.CommandLine;
using System.Globalization;
using System.Text;
using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Cli;

/// <summary>
/// `webui noise --source nv|cpu --seed S --shape 4,64,64 [--calls K]`: the first K randn(shape) draws of A1111's seed
/// generator (NV = the Philox generator behind "GPU"/"NV", CPU = torch's CPU generator), as a JSON array of K flat
/// arrays in C order. Draw 0 is an image's initial noise; the next ones what an ancestral sampler gets per step.
/// </summary>
static class NoiseVerb
{
    public static Command Create(CliContext context)
    {
        var source = new Option<string>("--source") { Description = "Generator: nv (A1111's GPU/NV) or cpu", DefaultValueFactory = _ => "nv" };
        var seed = new Option<long>("--seed") { Description = "Seed", DefaultValueFactory = _ => 0 };
        var shape = new Option<string>("--shape") { Description = "Shape of one draw, comma-separated (e.g. 4,64,64)", DefaultValueFactory = _ => "4,64,64" };
        var calls = new Option<int>("--calls") { Description = "Number of successive draws", DefaultValueFactory = _ => 1 };
        var command = new Command("noise", "Print the seed generator's first normal draws as JSON arrays.") { source, seed, shape, calls };
        command.SetAction(parse => WebUICommandLine.Guard(context, () =>
        {
            string src = parse.GetValue(source) ?? "";
            if (src.ToLowerInvariant() is not ("nv" or "cpu" or "gpu"))
                throw new UsageException($"--source must be nv or cpu; got '{src}'.");
            int[] dims = ParseShape(parse.GetValue(shape) ?? "");
            float[][] draws;
            try { draws = NoiseDump.Draw(src, parse.GetValue(seed), dims, parse.GetValue(calls)); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var sb = new StringBuilder();
            sb.Append('[');
            for (int k = 0; k < draws.Length; k++)
            {
                if (k > 0) sb.Append(',');
                sb.Append('[');
                for (int i = 0; i < draws[k].Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(draws[k][i].ToString("R", CultureInfo.InvariantCulture));
                }
                sb.Append(']');
            }
            context.Out.WriteLine(sb.Append(']').ToString());
            return WebUICommandLine.Success;
        }));
        return command;
    }

    static int[] ParseShape(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
                throw new UsageException($"--shape must be positive integers separated by commas (e.g. 4,64,64); got '{text}'.");
        return dims;
    }
}
