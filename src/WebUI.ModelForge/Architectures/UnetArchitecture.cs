using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>
/// diffusers UNet2DConditionModel, sized by config: sinusoidal time embedding + MLP, conv_in, down blocks of
/// ResnetBlock2D (+ Transformer2DModel with self- and cross-attention) and stride-2 Downsample2D, a cross-attention
/// mid block, up blocks that concatenate the skips and upsample (nearest + conv), then GroupNorm, SiLU, conv_out.
/// </summary>
public sealed record UnetArchitecture
{
    public int InChannels { get; init; } = 4;
    public int OutChannels { get; init; } = 4;
    public int[] BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    /// <summary>Per down block: CrossAttnDownBlock2D (true) or DownBlock2D (false). Up blocks mirror it.</summary>
    public bool[] CrossAttention { get; init; } = [true, true, true, false];
    /// <summary>Attention heads per down block (diffusers' attention_head_dim, which for SD is a head count).</summary>
    public int[] AttentionHeads { get; init; } = [8, 8, 8, 8];
    public int LayersPerBlock { get; init; } = 2;
    public int CrossAttentionDim { get; init; } = 768;
    public int NormGroups { get; init; } = 32;
    public float NormEps { get; init; } = 1e-5f;
    /// <summary>SD 2.x projects into/out of the transformer with Linear layers instead of 1×1 convolutions.</summary>
    public bool UseLinearProjection { get; init; }
    /// <summary>Default latent size of the model (64 for 512 px SD 1.x, 96 for 768 px SD 2.x-v).</summary>
    public int SampleSize { get; init; } = 64;
    /// <summary>
    /// BasicTransformerBlocks per attention, one entry per down block (SDXL: 1, 2, 10); the up blocks mirror it and
    /// the mid block uses the last entry. Null = one block everywhere (SD 1.x / 2.x).
    /// </summary>
    public int[]? TransformerLayersPerBlock { get; init; }
    /// <summary>SDXL's "text_time" added conditioning (inputs text_embeds and time_ids); null for SD 1.x / 2.x.</summary>
    public TextTimeEmbedding? AddEmbedding { get; init; }
    /// <summary>
    /// LCM-distilled UNets: width of the guidance embedding fed as input <c>timestep_cond</c> (256), projected by
    /// time_embedding.cond_proj and added to the sinusoidal timestep embedding. Null = no such input.
    /// </summary>
    public int? TimeCondProjDim { get; init; }

    /// <summary>SD 1.x (859,520,964 parameters).</summary>
    public static UnetArchitecture Sd15 { get; } = new();

    /// <summary>SD 2.x (865,910,724 parameters): 64-wide heads, linear projections, 1024-wide text states.</summary>
    public static UnetArchitecture Sd21 { get; } = new()
    {
        AttentionHeads = [5, 10, 20, 20], CrossAttentionDim = 1024, UseLinearProjection = true, SampleSize = 96,
    };

    /// <summary>SDXL base (2,567,463,684 parameters): three levels, 1/2/10 transformer blocks, text_time add-embedding.</summary>
    public static UnetArchitecture Sdxl { get; } = new()
    {
        BlockOutChannels = [320, 640, 1280], CrossAttention = [false, true, true], AttentionHeads = [5, 10, 20],
        TransformerLayersPerBlock = [1, 2, 10], CrossAttentionDim = 2048, UseLinearProjection = true, SampleSize = 128,
        AddEmbedding = new TextTimeEmbedding(TextEmbedsDim: 1280, TimeIdsCount: 6),
    };

    public int TimeEmbeddingDim => BlockOutChannels[0] * 4;

    int TransformerDepth(int level) => TransformerLayersPerBlock?[level] ?? 1;

    /// <summary>Writes the UNet graph into <paramref name="nn"/>'s graph.</summary>
    public void Build(Layers nn, ExportDialect dialect)
    {
        Validate();
        var g = nn.G;
        var dt = nn.Dtype;
        string b = dialect.Batch;
        // diffusers declares every sample axis dynamic (channels too); Optimum fixes the channel count.
        object channelsIn = dialect.OptimumLayout ? InChannels : "channels";
        var sample = g.Input("sample", dt, b, channelsIn, "height", "width");
        var timestep = dialect.ScalarTimestep
            ? g.Input("timestep", dialect.TimestepType)
            : g.Input("timestep", dialect.TimestepType, b);
        var context = g.Input("encoder_hidden_states", dt, b, dialect.Sequence, CrossAttentionDim);
        // Optimum's input order: sample, timestep, encoder_hidden_states, text_embeds, time_ids, timestep_cond.
        string? textEmbeds = null, timeIds = null, timestepCond = null;
        if (AddEmbedding is { } add)
        {
            textEmbeds = g.Input("text_embeds", dt, b, add.TextEmbedsDim);
            timeIds = g.Input("time_ids", dt, b, add.TimeIdsCount);
        }
        if (TimeCondProjDim is int condDim) timestepCond = g.Input("timestep_cond", dt, b, condDim);

        var temb = TimeEmbedding(nn, sample, timestep, dialect.TimestepType, timestepCond);
        if (textEmbeds is not null) temb = g.Op("Add", temb, AddedEmbedding(nn, textEmbeds, timeIds!));
        var tembSilu = nn.SiLU(temb);

        var h = nn.Conv(new Activation(sample, InChannels), "conv_in", BlockOutChannels[0], 3);
        var skips = new Stack<Activation>();
        skips.Push(h);
        int blocks = BlockOutChannels.Length;
        for (int i = 0; i < blocks; i++)
        {
            for (int j = 0; j < LayersPerBlock; j++)
            {
                h = nn.Resnet(h, $"down_blocks.{i}.resnets.{j}", BlockOutChannels[i], NormGroups, NormEps, tembSilu, TimeEmbeddingDim);
                if (CrossAttention[i]) h = Transformer(nn, h, $"down_blocks.{i}.attentions.{j}", AttentionHeads[i], TransformerDepth(i), context);
                skips.Push(h);
            }
            if (i < blocks - 1)
            {
                h = nn.Conv(h, $"down_blocks.{i}.downsamplers.0.conv", h.Channels, 3, stride: 2);
                skips.Push(h);
            }
        }

        h = nn.Resnet(h, "mid_block.resnets.0", h.Channels, NormGroups, NormEps, tembSilu, TimeEmbeddingDim);
        h = Transformer(nn, h, "mid_block.attentions.0", AttentionHeads[^1], TransformerDepth(blocks - 1), context);
        h = nn.Resnet(h, "mid_block.resnets.1", h.Channels, NormGroups, NormEps, tembSilu, TimeEmbeddingDim);

        for (int i = 0; i < blocks; i++)
        {
            int level = blocks - 1 - i;
            for (int j = 0; j <= LayersPerBlock; j++)
            {
                var skip = skips.Pop();
                h = new Activation(g.Op("Concat", [h.Name, skip.Name], ("axis", 1)), h.Channels + skip.Channels);
                h = nn.Resnet(h, $"up_blocks.{i}.resnets.{j}", BlockOutChannels[level], NormGroups, NormEps, tembSilu, TimeEmbeddingDim);
                if (CrossAttention[level]) h = Transformer(nn, h, $"up_blocks.{i}.attentions.{j}", AttentionHeads[level], TransformerDepth(level), context);
            }
            if (i < blocks - 1)
            {
                // Upsample to the size of the skip it meets next (×2, or the odd size a stride-2 conv rounded up from),
                // which is what diffusers does through forward_upsample_size.
                var up = h with { Name = nn.ResizeNearestLike(h.Name, skips.Peek().Name) };
                h = nn.Conv(up, $"up_blocks.{i}.upsamplers.0.conv", h.Channels, 3);
            }
        }

        h = nn.SiLU(nn.GroupNorm(h, "conv_norm_out", NormGroups, NormEps));
        h = nn.Conv(h, "conv_out", OutChannels, 3);
        object channelsOut = dialect.OptimumLayout ? OutChannels : "out_channels";
        g.OutputAs(h.Name, "out_sample", dt, b, channelsOut, "height", "width");
    }

    /// <summary>
    /// diffusers Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0) + TimestepEmbedding. The timestep arrives in
    /// whatever type and rank the dialect declares; it is cast to float32, flattened and expanded to the batch
    /// (a [1] or 0-d timestep broadcasts), and the sinusoids are computed in float32 before casting to the model type.
    /// An LCM UNet adds cond_proj(timestep_cond) to the sinusoids before linear_1 (TimestepEmbedding's cond_proj_dim).
    /// </summary>
    string TimeEmbedding(Layers nn, string sample, string timestep, ElementType timestepType, string? timestepCond)
    {
        var g = nn.G;
        int dim = BlockOutChannels[0];
        var t = g.Op("Reshape", timestepType == ElementType.Float ? timestep : nn.Cast(timestep, ElementType.Float), g.Ints(-1));
        t = g.Op("Expand", t, nn.Slice(g.Op("Shape", sample), 0, 1));
        var emb = Sinusoids(nn, t, dim, "time_proj_frequencies");
        if (nn.Dtype != ElementType.Float) emb = nn.Cast(emb, nn.Dtype);
        if (timestepCond is not null)
            emb = g.Op("Add", emb, nn.Linear(timestepCond, "time_embedding.cond_proj", TimeCondProjDim!.Value, dim, bias: false));
        var e = nn.Linear(emb, "time_embedding.linear_1", dim, TimeEmbeddingDim);
        return nn.Linear(nn.SiLU(e), "time_embedding.linear_2", TimeEmbeddingDim, TimeEmbeddingDim);
    }

    /// <summary>
    /// SDXL's aug_emb: add_time_proj (the same sinusoids, addition_time_embed_dim wide) of every time_id, flattened to
    /// [B, N·D], appended to text_embeds, then add_embedding (Linear, SiLU, Linear) to the time-embedding width.
    /// </summary>
    string AddedEmbedding(Layers nn, string textEmbeds, string timeIds)
    {
        var g = nn.G;
        var add = AddEmbedding!;
        var ids = g.Op("Reshape", nn.Dtype == ElementType.Float ? timeIds : nn.Cast(timeIds, ElementType.Float), g.Ints(-1));
        var emb = Sinusoids(nn, ids, add.TimeEmbedDim, "add_time_proj_frequencies");
        emb = g.Op("Reshape", emb, g.Ints(-1, add.TimeIdsCount * add.TimeEmbedDim));
        if (nn.Dtype != ElementType.Float) emb = nn.Cast(emb, nn.Dtype);
        var joined = g.Op("Concat", [textEmbeds, emb], ("axis", 1));
        var e = nn.Linear(joined, "add_embedding.linear_1", add.InputDim, TimeEmbeddingDim);
        return nn.Linear(nn.SiLU(e), "add_embedding.linear_2", TimeEmbeddingDim, TimeEmbeddingDim);
    }

    /// <summary>[N] float32 values → [N, dim] float32 = cos(v·f) ‖ sin(v·f), f_j = 10000^(−j/(dim/2)).</summary>
    static string Sinusoids(Layers nn, string values, int dim, string tableName)
    {
        var g = nn.G;
        int half = dim / 2;
        var freqs = new float[half];
        for (int j = 0; j < half; j++) freqs[j] = (float)Math.Exp(-Math.Log(10000) * j / half);
        var freqTable = g.Initializer(g.Fresh(tableName), freqs, [1, half]);
        var angles = g.Op("Mul", g.Op("Unsqueeze", values, g.Ints(1)), freqTable);
        return g.Op("Concat", [g.Op("Cos", angles), g.Op("Sin", angles)], ("axis", 1));
    }

    /// <summary>Transformer2DModel with <paramref name="depth"/> BasicTransformerBlocks: self-attention, cross-attention, GEGLU feed-forward.</summary>
    Activation Transformer(Layers nn, Activation x, string prefix, int heads, int depth, string context)
    {
        var g = nn.G;
        int c = x.Channels;
        var normed = nn.GroupNorm(x, prefix + ".norm", NormGroups, 1e-6f);
        string tokens = UseLinearProjection
            ? nn.Linear(nn.ToTokens(normed.Name), prefix + ".proj_in", c, c)
            : nn.ToTokens(nn.Conv(normed, prefix + ".proj_in", c, 1).Name);

        for (int k = 0; k < depth; k++)
        {
            var p = $"{prefix}.transformer_blocks.{k}";
            tokens = g.Op("Add", tokens, nn.Attention(nn.LayerNorm(tokens, p + ".norm1", c), c, p + ".attn1", heads));
            tokens = g.Op("Add", tokens, nn.Attention(nn.LayerNorm(tokens, p + ".norm2", c), c, p + ".attn2", heads,
                context: context, contextDim: CrossAttentionDim));
            tokens = g.Op("Add", tokens, GegluFeedForward(nn, nn.LayerNorm(tokens, p + ".norm3", c), p + ".ff", c));
        }

        string image = UseLinearProjection
            ? nn.FromTokens(nn.Linear(tokens, prefix + ".proj_out", c, c, gain: Layers.ResidualGain), x.Name)
            : nn.Conv(new Activation(nn.FromTokens(tokens, x.Name), c), prefix + ".proj_out", c, 1, gain: Layers.ResidualGain).Name;
        return x with { Name = g.Op("Add", image, x.Name) };
    }

    /// <summary>FeedForward with GEGLU: proj to 2·4C, split into value and gate, value·gelu(gate), back to C.</summary>
    static string GegluFeedForward(Layers nn, string x, string prefix, int c)
    {
        var g = nn.G;
        int inner = 4 * c;
        var proj = nn.Linear(x, prefix + ".net.0.proj", c, 2 * inner);
        string value = g.Fresh("geglu_value"), gate = g.Fresh("geglu_gate");
        g.Node("Split", [proj, g.Ints(inner, inner)], [value, gate], ("axis", -1));
        return nn.Linear(g.Op("Mul", value, nn.Gelu(gate)), prefix + ".net.2", inner, c, gain: Layers.ResidualGain);
    }

    void Validate()
    {
        int n = BlockOutChannels.Length;
        if (n == 0 || CrossAttention.Length != n || AttentionHeads.Length != n)
            throw new ArgumentException("UNet config: BlockOutChannels, CrossAttention and AttentionHeads need one entry per block.");
        foreach (var c in BlockOutChannels)
            if (c % NormGroups != 0) throw new ArgumentException($"UNet config: {c} channels do not split into {NormGroups} groups.");
        if (BlockOutChannels[0] % 2 != 0) throw new ArgumentException("UNet config: the first block's channel count must be even (sinusoidal embedding).");
        if (TransformerLayersPerBlock is { } depths && (depths.Length != n || depths.Any(d => d < 1)))
            throw new ArgumentException("UNet config: TransformerLayersPerBlock needs one positive entry per block.");
        if (AddEmbedding is { } add && (add.TextEmbedsDim < 1 || add.TimeIdsCount < 1 || add.TimeEmbedDim < 2 || add.TimeEmbedDim % 2 != 0))
            throw new ArgumentException("UNet config: the text_time embedding needs positive widths and an even addition_time_embed_dim.");
        if (TimeCondProjDim is < 1) throw new ArgumentException("UNet config: time_cond_proj_dim must be positive.");
    }

    /// <summary>The diffusers UNet2DConditionModel config, as written into unet/config.json.</summary>
    public Dictionary<string, object?> ConfigJson() => new()
    {
        ["_class_name"] = "UNet2DConditionModel",
        ["_diffusers_version"] = "0.30.0",
        ["act_fn"] = "silu",
        ["attention_head_dim"] = AttentionHeads,
        ["block_out_channels"] = BlockOutChannels,
        ["center_input_sample"] = false,
        ["cross_attention_dim"] = CrossAttentionDim,
        ["down_block_types"] = CrossAttention.Select(a => a ? "CrossAttnDownBlock2D" : "DownBlock2D").ToArray(),
        ["downsample_padding"] = 1,
        ["flip_sin_to_cos"] = true,
        ["freq_shift"] = 0,
        ["in_channels"] = InChannels,
        ["layers_per_block"] = LayersPerBlock,
        ["mid_block_scale_factor"] = 1,
        ["norm_eps"] = NormEps,
        ["norm_num_groups"] = NormGroups,
        ["out_channels"] = OutChannels,
        ["sample_size"] = SampleSize,
        ["time_cond_proj_dim"] = TimeCondProjDim,
        ["transformer_layers_per_block"] = TransformerLayersPerBlock is { } depths ? depths : 1,
        ["addition_embed_type"] = AddEmbedding is null ? null : "text_time",
        ["addition_time_embed_dim"] = AddEmbedding?.TimeEmbedDim,
        ["projection_class_embeddings_input_dim"] = AddEmbedding?.InputDim,
        ["up_block_types"] = CrossAttention.Reverse().Select(a => a ? "CrossAttnUpBlock2D" : "UpBlock2D").ToArray(),
        ["use_linear_projection"] = UseLinearProjection,
    };
}

/// <summary>
/// SDXL's added conditioning (diffusers addition_embed_type "text_time"): the pooled, projected text embedding of
/// text_encoder_2 and the micro-conditioning time_ids (6 for the base model: original size, crop, target size;
/// 5 for the refiner: original size, crop, aesthetic score), each time_id embedded with TimeEmbedDim sinusoids.
/// </summary>
public sealed record TextTimeEmbedding(int TextEmbedsDim, int TimeIdsCount, int TimeEmbedDim = 256)
{
    /// <summary>diffusers' projection_class_embeddings_input_dim: TextEmbedsDim + TimeIdsCount · TimeEmbedDim (2816 for SDXL).</summary>
    public int InputDim => TextEmbedsDim + TimeIdsCount * TimeEmbedDim;
}
