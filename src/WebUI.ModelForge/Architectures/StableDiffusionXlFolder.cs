namespace WebUI.ModelForge.Architectures;

/// <summary>
/// Everything that defines one SDXL folder. <paramref name="Text"/> is null for the refiner, which has only the
/// OpenCLIP-bigG encoder (text_encoder_2) and 5 time_ids. <paramref name="Text2"/> must have a projection (text_embeds).
/// </summary>
public sealed record StableDiffusionXlSpec(
    ClipTextArchitecture? Text,
    ClipTextArchitecture Text2,
    UnetArchitecture Unet,
    VaeArchitecture Vae,
    string SchedulerClass = "EulerDiscreteScheduler",
    int Seed = 1)
{
    public bool Refiner => Text is null;
    /// <summary>model_index.json _class_name; the source pipeline's name, as Optimum keeps it.</summary>
    public string PipelineClass { get; init; } = Text is null ? "StableDiffusionXLImg2ImgPipeline" : "StableDiffusionXLPipeline";
    /// <summary>Keys added to or replacing the SDXL scheduler config (turbo: trailing spacing).</summary>
    public IReadOnlyDictionary<string, object?>? SchedulerSettings { get; init; }
    /// <summary>Keys added to model_index.json (e.g. _name_or_path).</summary>
    public IReadOnlyDictionary<string, object?>? ModelIndexSettings { get; init; }
}

/// <summary>
/// Writes an SDXL ONNX folder in the Optimum layout (the only exporter that handles SDXL; diffusion-reference §6b):
/// tokenizer/ (CLIP-L, pads with &lt;|endoftext|&gt;), tokenizer_2/ (OpenCLIP-bigG, pads with "!"), text_encoder/
/// (CLIPTextModel with hidden_states.0..L), text_encoder_2/ (CLIPTextModelWithProjection: text_embeds, hidden states),
/// unet/ (sample, timestep, encoder_hidden_states, text_embeds, time_ids), the VAE parts, a config.json per part and
/// model_index.json. The widths are checked against each other before anything is written, because the engine reads
/// and cross-checks the same numbers (cross_attention_dim = D1 + D2, projection_class_embeddings_input_dim = P + N·d).
/// </summary>
public static class StableDiffusionXlFolder
{
    public static IReadOnlyList<PartReport> Write(string outputDir, StableDiffusionXlSpec spec, TinyClipVocabulary vocab,
        IProgress<string>? log = null)
    {
        Validate(spec, vocab);
        var dialect = ExportDialect.For(TinyDialect.OptimumFp32);
        Directory.CreateDirectory(outputDir);
        // A base folder rebuilt as a refiner must not keep the first encoder (readers detect the refiner by its absence).
        foreach (var part in (string[])["text_encoder", "tokenizer"])
            if (spec.Refiner && Directory.Exists(Path.Combine(outputDir, part))) Directory.Delete(Path.Combine(outputDir, part), true);

        WriteModelIndex(outputDir, spec);
        PipelineFiles.WriteScheduler(outputDir, spec.SchedulerClass, "epsilon", MergedSchedulerSettings(spec));
        if (spec.Text is not null) vocab.Write(Path.Combine(outputDir, "tokenizer"), TinyClipVocabulary.EndOfText, spec.Text.MaxPositions);
        vocab.Write(Path.Combine(outputDir, "tokenizer_2"), "!", spec.Text2.MaxPositions);

        var reports = new List<PartReport>();
        if (spec.Text is { } text)
            reports.Add(StableDiffusionFolder.WritePart(outputDir, "text_encoder", dialect, spec.Seed, null, nn => text.Build(nn, dialect), log));
        reports.Add(StableDiffusionFolder.WritePart(outputDir, "text_encoder_2", dialect, spec.Seed + 4, null, nn => spec.Text2.Build(nn, dialect), log));
        reports.Add(StableDiffusionFolder.WritePart(outputDir, "unet", dialect, spec.Seed + 1, dialect.UnetExternalData, nn => spec.Unet.Build(nn, dialect), log));
        reports.Add(StableDiffusionFolder.WritePart(outputDir, "vae_encoder", dialect, spec.Seed + 2, null, nn => spec.Vae.BuildEncoder(nn, dialect), log));
        reports.Add(StableDiffusionFolder.WritePart(outputDir, "vae_decoder", dialect, spec.Seed + 3, null, nn => spec.Vae.BuildDecoder(nn, dialect), log));

        if (spec.Text is { } t1)
            PipelineFiles.WriteJson(Path.Combine(outputDir, "text_encoder", "config.json"),
                t1.ConfigJson(vocab.BosId, vocab.EosId, vocab.EosId, "float32"));
        PipelineFiles.WriteJson(Path.Combine(outputDir, "text_encoder_2", "config.json"),
            spec.Text2.ConfigJson(vocab.BosId, vocab.EosId, vocab.IdOf("!"), "float32"));
        PipelineFiles.WriteJson(Path.Combine(outputDir, "unet", "config.json"), spec.Unet.ConfigJson());
        PipelineFiles.WriteJson(Path.Combine(outputDir, "vae_encoder", "config.json"), spec.Vae.ConfigJson());
        PipelineFiles.WriteJson(Path.Combine(outputDir, "vae_decoder", "config.json"), spec.Vae.ConfigJson());
        return reports;
    }

    static void Validate(StableDiffusionXlSpec spec, TinyClipVocabulary vocab)
    {
        foreach (var text in (ClipTextArchitecture?[])[spec.Text, spec.Text2])
            if (text is not null && text.VocabSize != vocab.Size)
                throw new ArgumentException($"Text encoder vocabulary ({text.VocabSize}) and tokenizer ({vocab.Size} tokens) differ.");
        if (spec.Text2.ProjectionDim is not int projection)
            throw new ArgumentException("SDXL text_encoder_2 needs a projection (CLIPTextModelWithProjection) for text_embeds.");
        if (spec.Unet.AddEmbedding is not { } add)
            throw new ArgumentException("An SDXL UNet needs the text_time add-embedding (text_embeds, time_ids).");
        if (add.TextEmbedsDim != projection)
            throw new ArgumentException($"UNet text_embeds width {add.TextEmbedsDim} differs from text_encoder_2's projection_dim {projection}.");
        int timeIds = spec.Refiner ? 5 : 6;
        if (add.TimeIdsCount != timeIds)
            throw new ArgumentException($"An SDXL {(spec.Refiner ? "refiner" : "base")} UNet takes {timeIds} time_ids, not {add.TimeIdsCount}.");
        int width = (spec.Text?.HiddenSize ?? 0) + spec.Text2.HiddenSize;
        if (spec.Unet.CrossAttentionDim != width)
            throw new ArgumentException($"UNet cross_attention_dim {spec.Unet.CrossAttentionDim} differs from the concatenated text width {width}.");
    }

    /// <summary>SDXL base ships EulerDiscreteScheduler with leading spacing and steps_offset 1.</summary>
    static Dictionary<string, object?> MergedSchedulerSettings(StableDiffusionXlSpec spec)
    {
        var settings = new Dictionary<string, object?>
        {
            ["interpolation_type"] = "linear",
            ["sample_max_value"] = 1.0,
            ["steps_offset"] = 1,
            ["timestep_spacing"] = "leading",
            ["use_karras_sigmas"] = false,
        };
        if (spec.SchedulerSettings is { } extra)
            foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    /// <summary>The SDXL model_index.json: both tokenizer/encoder pairs (the refiner nulls the first), force_zeros_for_empty_prompt.</summary>
    static void WriteModelIndex(string dir, StableDiffusionXlSpec spec)
    {
        object?[] none = [null, null];
        var index = new Dictionary<string, object?>
        {
            ["_class_name"] = spec.PipelineClass,
            ["_diffusers_version"] = "0.30.0",
            ["feature_extractor"] = none,
            // The base model zeroes the negative conditioning for an empty negative prompt; the refiner does not.
            ["force_zeros_for_empty_prompt"] = !spec.Refiner,
            ["image_encoder"] = none,
            ["scheduler"] = new[] { "diffusers", spec.SchedulerClass },
            ["text_encoder"] = spec.Refiner ? none : new[] { "transformers", "CLIPTextModel" },
            ["text_encoder_2"] = new[] { "transformers", "CLIPTextModelWithProjection" },
            ["tokenizer"] = spec.Refiner ? none : new[] { "transformers", "CLIPTokenizer" },
            ["tokenizer_2"] = new[] { "transformers", "CLIPTokenizer" },
            ["unet"] = new[] { "diffusers", "UNet2DConditionModel" },
            ["vae"] = new[] { "diffusers", "AutoencoderKL" },
        };
        if (spec.Refiner) index["requires_aesthetics_score"] = true;
        if (spec.ModelIndexSettings is { } extra)
            foreach (var (key, value) in extra) index[key] = value;
        PipelineFiles.WriteJson(Path.Combine(dir, "model_index.json"),
            index.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value));
    }
}
