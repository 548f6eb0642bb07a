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

    /// <summary>SD 1.x (859,520,964 parameters).</summary>
    public static UnetArchitecture Sd15 { get; } = new();

    /// <summary>SD 2.x (865,910,724 parameters): 64-wide heads, linear projections, 1024-wide text states.</summary>
    public static UnetArchitecture Sd21 { get; } = new()
    {
        AttentionHeads = [5, 10, 20, 20], CrossAttentionDim = 1024, UseLinearProjection = true, SampleSize = 96,
    };

    public int TimeEmbeddingDim => BlockOutChannels[0] * 4;

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

        var tembSilu = nn.SiLU(TimeEmbedding(nn, sample, timestep, dialect.TimestepType));

        var h = nn.Conv(new Activation(sample, InChannels), "conv_in", BlockOutChannels[0], 3);
        var skips = new Stack<Activation>();
        skips.Push(h);
        int blocks = BlockOutChannels.Length;
        for (int i = 0; i < blocks; i++)
        {
            for (int j = 0; j < LayersPerBlock; j++)
            {
                h = nn.Resnet(h, $"down_blocks.{i}.resnets.{j}", BlockOutChannels[i], NormGroups, NormEps, tembSilu, TimeEmbeddingDim);
                if (CrossAttention[i]) h = Transformer(nn, h, $"down_blocks.{i}.attentions.{j}", AttentionHeads[i], context);
                skips.Push(h);
            }
            if (i < blocks - 1)
            {
                h = nn.Conv(h, $"down_blocks.{i}.downsamplers.0.conv", h.Channels, 3, stride: 2);
                skips.Push(h);
            }
        }

        h = nn.Resnet(h, "mid_block.resnets.0", h.Channels, NormGroups, NormEps, tembSilu, TimeEmbeddingDim);
        h = Transformer(nn, h, "mid_block.attentions.0", AttentionHeads[^1], context);
        h = nn.Resnet(h, "mid_block.resnets.1", h.Channels, NormGroups, NormEps, tembSilu, TimeEmbeddingDim);

        for (int i = 0; i < blocks; i++)
        {
            int level = blocks - 1 - i;
            for (int j = 0; j <= LayersPerBlock; j++)
            {
                var skip = skips.Pop();
                h = new Activation(g.Op("Concat", [h.Name, skip.Name], ("axis", 1)), h.Channels + skip.Channels);
                h = nn.Resnet(h, $"up_blocks.{i}.resnets.{j}", BlockOutChannels[level], NormGroups, NormEps, tembSilu, TimeEmbeddingDim);
                if (CrossAttention[level]) h = Transformer(nn, h, $"up_blocks.{i}.attentions.{j}", AttentionHeads[level], context);
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
    /// </summary>
    string TimeEmbedding(Layers nn, string sample, string timestep, ElementType timestepType)
    {
        var g = nn.G;
        int dim = BlockOutChannels[0];
        int half = dim / 2;
        var t = g.Op("Reshape", timestepType == ElementType.Float ? timestep : nn.Cast(timestep, ElementType.Float), g.Ints(-1));
        t = g.Op("Expand", t, nn.Slice(g.Op("Shape", sample), 0, 1));
        var freqs = new float[half];
        for (int j = 0; j < half; j++) freqs[j] = (float)Math.Exp(-Math.Log(10000) * j / half);
        var freqTable = g.Initializer(g.Fresh("time_proj_frequencies"), freqs, [1, half]);
        var angles = g.Op("Mul", g.Op("Unsqueeze", t, g.Ints(1)), freqTable);
        var emb = g.Op("Concat", [g.Op("Cos", angles), g.Op("Sin", angles)], ("axis", 1));
        if (nn.Dtype != ElementType.Float) emb = nn.Cast(emb, nn.Dtype);
        var e = nn.Linear(emb, "time_embedding.linear_1", dim, TimeEmbeddingDim);
        return nn.Linear(nn.SiLU(e), "time_embedding.linear_2", TimeEmbeddingDim, TimeEmbeddingDim);
    }

    /// <summary>Transformer2DModel with one BasicTransformerBlock: self-attention, cross-attention, GEGLU feed-forward.</summary>
    Activation Transformer(Layers nn, Activation x, string prefix, int heads, string context)
    {
        var g = nn.G;
        int c = x.Channels;
        var normed = nn.GroupNorm(x, prefix + ".norm", NormGroups, 1e-6f);
        string tokens = UseLinearProjection
            ? nn.Linear(nn.ToTokens(normed.Name), prefix + ".proj_in", c, c)
            : nn.ToTokens(nn.Conv(normed, prefix + ".proj_in", c, 1).Name);

        var p = prefix + ".transformer_blocks.0";
        tokens = g.Op("Add", tokens, nn.Attention(nn.LayerNorm(tokens, p + ".norm1", c), c, p + ".attn1", heads));
        tokens = g.Op("Add", tokens, nn.Attention(nn.LayerNorm(tokens, p + ".norm2", c), c, p + ".attn2", heads,
            context: context, contextDim: CrossAttentionDim));
        tokens = g.Op("Add", tokens, GegluFeedForward(nn, nn.LayerNorm(tokens, p + ".norm3", c), p + ".ff", c));

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
        ["time_cond_proj_dim"] = null,
        ["up_block_types"] = CrossAttention.Reverse().Select(a => a ? "CrossAttnUpBlock2D" : "UpBlock2D").ToArray(),
        ["use_linear_projection"] = UseLinearProjection,
    };
}
