using Onnx;
using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>
/// transformers CLIPTextModel, sized by config: token + position embeddings, pre-LN transformer layers with causal
/// self-attention and an MLP, a final LayerNorm; pooler_output = the final state at argmax(input_ids) (the EOS token).
/// With <see cref="ProjectionDim"/> set it is CLIPTextModelWithProjection (SDXL's text_encoder_2): the pooled state
/// goes through text_projection (no bias) and is returned as text_embeds instead of pooler_output.
/// </summary>
public sealed record ClipTextArchitecture
{
    /// <summary>The initializer name textual inversion overrides through SessionOptions.AddInitializer.</summary>
    public const string TokenEmbeddingName = "text_model.embeddings.token_embedding.weight";

    public int VocabSize { get; init; } = 49408;
    public int HiddenSize { get; init; } = 768;
    public int IntermediateSize { get; init; } = 3072;
    public int NumLayers { get; init; } = 12;
    public int Heads { get; init; } = 12;
    public int MaxPositions { get; init; } = 77;
    /// <summary>"quick_gelu" (OpenAI CLIP-L, SD 1.x) or "gelu" (OpenCLIP-H, SD 2.x).</summary>
    public string HiddenAct { get; init; } = "quick_gelu";
    public float LayerNormEps { get; init; } = 1e-5f;
    /// <summary>Width of text_embeds for CLIPTextModelWithProjection; null = plain CLIPTextModel (pooler_output).</summary>
    public int? ProjectionDim { get; init; }

    /// <summary>SD 1.x: OpenAI CLIP ViT-L/14's text tower (123,060,480 parameters).</summary>
    public static ClipTextArchitecture Sd15 { get; } = new();

    /// <summary>SD 2.x: OpenCLIP ViT-H/14's text tower as diffusers ships it (23 of 24 layers kept).</summary>
    public static ClipTextArchitecture Sd21 { get; } = new()
    {
        HiddenSize = 1024, IntermediateSize = 4096, NumLayers = 23, Heads = 16, HiddenAct = "gelu",
    };

    /// <summary>SDXL text_encoder_2: OpenCLIP ViT-bigG/14's text tower with its projection (694,659,840 parameters).</summary>
    public static ClipTextArchitecture SdxlBigG { get; } = new()
    {
        HiddenSize = 1280, IntermediateSize = 5120, NumLayers = 32, Heads = 20, HiddenAct = "gelu", ProjectionDim = 1280,
    };

    /// <summary>Writes the graph (inputs, outputs and weights) into <paramref name="g"/>.</summary>
    public void Build(Layers nn, ExportDialect dialect)
    {
        var g = nn.G;
        int d = HiddenSize;
        var dt = nn.Dtype;
        var ids = g.Input("input_ids", dialect.InputIdsType, dialect.Batch, dialect.Sequence);
        var ids64 = dialect.InputIdsType == ElementType.Int64 ? ids : nn.Cast(ids, ElementType.Int64);

        // Embeddings: the token table feeds Gather directly so an AddInitializer override of it takes effect.
        var tokenTable = nn.W.Random(TokenEmbeddingName, [VocabSize, d], 0.7);
        var positionTable = nn.W.Random("text_model.embeddings.position_embedding.weight", [MaxPositions, d], 0.7);
        var seqLen = nn.Slice(g.Op("Shape", ids), 1, 2);
        var positions = g.Op("Slice", positionTable, g.Ints(0), seqLen, g.Ints(0));
        var h = g.Op("Add", g.Op("Gather", tokenTable, ids64), positions);

        // Causal mask: 0 on and below the diagonal, the dtype's lowest value above; sliced to [S, S].
        float lowest = dt == ElementType.Float16 ? (float)Half.MinValue : float.MinValue;
        var maskValues = new float[MaxPositions * MaxPositions];
        for (int i = 0; i < MaxPositions; i++)
            for (int j = i + 1; j < MaxPositions; j++) maskValues[i * MaxPositions + j] = lowest;
        var fullMask = nn.W.Constant("causal_attention_mask", maskValues, [MaxPositions, MaxPositions]);
        var mask = g.Op("Slice", fullMask, g.Ints(0, 0), g.Op("Concat", [seqLen, seqLen], ("axis", 0)), g.Ints(0, 1));

        var hidden = new List<string> { h };
        for (int l = 0; l < NumLayers; l++)
        {
            var p = $"text_model.encoder.layers.{l}";
            var attn = nn.Attention(nn.LayerNorm(h, p + ".layer_norm1", d, LayerNormEps), d, p + ".self_attn", Heads,
                qkvBias: true, mask: mask, outProjection: ".out_proj", q: ".q_proj", k: ".k_proj", v: ".v_proj");
            h = g.Op("Add", h, attn);
            var mlp = nn.Linear(nn.LayerNorm(h, p + ".layer_norm2", d, LayerNormEps), p + ".mlp.fc1", d, IntermediateSize);
            mlp = HiddenAct switch
            {
                "quick_gelu" => nn.QuickGelu(mlp),
                "gelu" => nn.Gelu(mlp),
                _ => throw new ArgumentException($"Unsupported CLIP activation '{HiddenAct}'."),
            };
            h = g.Op("Add", h, nn.Linear(mlp, p + ".mlp.fc2", IntermediateSize, d, gain: Layers.ResidualGain));
            hidden.Add(h);
        }
        var last = nn.LayerNorm(h, "text_model.final_layer_norm", d, LayerNormEps);

        // pooler_output: transformers takes argmax(input_ids) as the EOS position (EOS has the highest id).
        var eos = g.Op("ArgMax", [nn.Cast(ids, ElementType.Int32)], ("axis", 1), ("keepdims", 1));
        var pooled = g.Op("GatherND", [last, eos], ("batch_dims", 1));

        // Optimum's output order: text_embeds (with projection) first, then last_hidden_state, pooler_output, hidden states.
        if (ProjectionDim is int projection)
        {
            var textEmbeds = nn.Linear(pooled, "text_projection", d, projection, bias: false);
            g.OutputAs(textEmbeds, "text_embeds", dt, dialect.Batch, projection);
        }
        g.OutputAs(last, "last_hidden_state", dt, dialect.Batch, dialect.Sequence, d);
        if (ProjectionDim is null) g.OutputAs(pooled, "pooler_output", dt, dialect.Batch, d);
        if (dialect.HiddenStates)
            for (int i = 0; i < hidden.Count; i++)
                g.OutputAs(hidden[i], $"hidden_states.{i}", dt, dialect.Batch, dialect.Sequence, d);
    }

    /// <summary>The transformers CLIPTextConfig, as Optimum writes it into text_encoder/config.json.</summary>
    public Dictionary<string, object?> ConfigJson(int bosId, int eosId, int padId, string dtype) => new()
    {
        ["architectures"] = new[] { ProjectionDim is null ? "CLIPTextModel" : "CLIPTextModelWithProjection" },
        ["model_type"] = "clip_text_model",
        ["vocab_size"] = VocabSize,
        ["hidden_size"] = HiddenSize,
        ["intermediate_size"] = IntermediateSize,
        ["num_hidden_layers"] = NumLayers,
        ["num_attention_heads"] = Heads,
        ["max_position_embeddings"] = MaxPositions,
        ["hidden_act"] = HiddenAct,
        ["layer_norm_eps"] = LayerNormEps,
        ["projection_dim"] = ProjectionDim ?? HiddenSize,
        ["bos_token_id"] = bosId,
        ["eos_token_id"] = eosId,
        ["pad_token_id"] = padId,
        ["torch_dtype"] = dtype,
    };
}
