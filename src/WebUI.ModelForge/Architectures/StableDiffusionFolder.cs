using System.Diagnostics;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>Everything that defines one Stable Diffusion folder to write.</summary>
public sealed record StableDiffusionSpec(
    ClipTextArchitecture Text,
    UnetArchitecture Unet,
    VaeArchitecture Vae,
    TinyDialect Dialect,
    string PadToken,
    string SchedulerClass = "PNDMScheduler",
    string? PredictionType = null,
    int Seed = 1)
{
    /// <summary>model_index.json _class_name instead of the dialect's plain text-to-image pipeline (e.g. an inpaint or LCM pipeline).</summary>
    public string? PipelineClass { get; init; }
    /// <summary>Keys added to (or replacing those of) scheduler_config.json: timestep_spacing, original_inference_steps, …</summary>
    public IReadOnlyDictionary<string, object?>? SchedulerSettings { get; init; }
    /// <summary>Keys added to model_index.json (e.g. _name_or_path, which names the source repository).</summary>
    public IReadOnlyDictionary<string, object?>? ModelIndexSettings { get; init; }
}

/// <summary>What was written for one part.</summary>
public sealed record PartReport(string Part, long Parameters, long Bytes);

/// <summary>
/// Writes a complete Stable Diffusion ONNX folder (model_index.json, scheduler/, tokenizer/, text_encoder/, unet/,
/// vae_encoder/, vae_decoder/) in the layout of a dialect. The UNet's weights are streamed into its external-data
/// file as they are generated, so even the full-size UNet never sits in memory; the other parts are inline,
/// as the exporters leave them.
/// </summary>
public static class StableDiffusionFolder
{
    public const int Opset = 17;

    public static IReadOnlyList<PartReport> Write(string outputDir, StableDiffusionSpec spec, TinyClipVocabulary vocab,
        IProgress<string>? log = null)
    {
        if (spec.Text.VocabSize != vocab.Size)
            throw new ArgumentException($"Text encoder vocabulary ({spec.Text.VocabSize}) and tokenizer ({vocab.Size} tokens) differ.");
        if (spec.Unet.CrossAttentionDim != spec.Text.HiddenSize)
            throw new ArgumentException($"UNet cross_attention_dim {spec.Unet.CrossAttentionDim} differs from the text width {spec.Text.HiddenSize}.");
        vocab.IdOf(spec.PadToken); // fails early, before anything is written
        var dialect = ExportDialect.For(spec.Dialect);
        Directory.CreateDirectory(outputDir);

        PipelineFiles.WriteModelIndex(outputDir, dialect, spec.SchedulerClass, spec.PipelineClass, spec.ModelIndexSettings);
        PipelineFiles.WriteScheduler(outputDir, spec.SchedulerClass, spec.PredictionType, spec.SchedulerSettings);
        vocab.Write(Path.Combine(outputDir, "tokenizer"), spec.PadToken, spec.Text.MaxPositions);

        var reports = new List<PartReport>
        {
            WritePart(outputDir, "text_encoder", dialect, spec.Seed, null, nn => spec.Text.Build(nn, dialect), log),
            WritePart(outputDir, "unet", dialect, spec.Seed + 1, dialect.UnetExternalData, nn => spec.Unet.Build(nn, dialect), log),
            WritePart(outputDir, "vae_encoder", dialect, spec.Seed + 2, null, nn => spec.Vae.BuildEncoder(nn, dialect), log),
            WritePart(outputDir, "vae_decoder", dialect, spec.Seed + 3, null, nn => spec.Vae.BuildDecoder(nn, dialect), log),
        };

        if (dialect.OptimumLayout)
        {
            string dtype = dialect.FloatType == ElementType.Float16 ? "float16" : "float32";
            PipelineFiles.WriteJson(Path.Combine(outputDir, "text_encoder", "config.json"),
                spec.Text.ConfigJson(vocab.BosId, vocab.EosId, vocab.IdOf(spec.PadToken), dtype));
            PipelineFiles.WriteJson(Path.Combine(outputDir, "unet", "config.json"), spec.Unet.ConfigJson());
            PipelineFiles.WriteJson(Path.Combine(outputDir, "vae_encoder", "config.json"), spec.Vae.ConfigJson());
            PipelineFiles.WriteJson(Path.Combine(outputDir, "vae_decoder", "config.json"), spec.Vae.ConfigJson());
        }
        return reports;
    }

    internal static PartReport WritePart(string root, string part, ExportDialect dialect, int seed, string? externalFile,
        Action<Layers> build, IProgress<string>? log)
    {
        var clock = Stopwatch.StartNew();
        var dir = Path.Combine(root, part);
        Directory.CreateDirectory(dir);
        // A folder rebuilt in another dialect must not keep the previous one's files (a stale config.json or
        // model.onnx_data would make readers detect the wrong layout). Only names this writer produces are removed.
        foreach (var stale in (string[])["model.onnx", "weights.pb", "model.onnx_data", "config.json"])
            File.Delete(Path.Combine(dir, stale));
        var g = new GraphBuilder(part);
        long parameters;
        var placement = externalFile is null ? WeightPlacement.Inline : WeightPlacement.External;
        using (var weights = new WeightStore(g, dialect.FloatType, seed, placement,
                   externalFile is null ? null : Path.Combine(dir, externalFile), log))
        {
            build(new Layers(g, weights));
            parameters = weights.ParameterCount;
        }
        var modelPath = Path.Combine(dir, "model.onnx");
        ModelWriter.Save(g.Build(Opset), modelPath);
        long bytes = new FileInfo(modelPath).Length + (externalFile is null ? 0 : new FileInfo(Path.Combine(dir, externalFile)).Length);
        log?.Report($"{part}: {parameters:N0} parameters, {bytes / 1048576.0:F1} MiB, {clock.Elapsed.TotalSeconds:F1} s");
        return new PartReport(part, parameters, bytes);
    }

    /// <summary>Counts a part's learned parameters by building its graph without generating any weights.</summary>
    public static long CountParameters(Action<Layers, ExportDialect> build)
    {
        var g = new GraphBuilder("count");
        using var weights = new WeightStore(g, ElementType.Float, 0, WeightPlacement.CountOnly);
        build(new Layers(g, weights), ExportDialect.For(TinyDialect.DiffusersFp32));
        return weights.ParameterCount;
    }
}
