using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>A value in the graph together with its channel count (the last axis for sequences, axis 1 for images).</summary>
public readonly record struct Activation(string Name, int Channels);

/// <summary>
/// The building blocks shared by the CLIP, UNet and VAE graphs, written in the operator patterns that PyTorch's
/// ONNX exporter emits at opset 17 (MatMul+Add for Linear, Reshape+InstanceNormalization for GroupNorm,
/// MatMul/Softmax attention, Erf GELU), so the graphs look to ONNX Runtime like real exports.
/// Every float value inside is of <see cref="Dtype"/>; weights are named by their diffusers/transformers module path.
/// Linear weights are stored pre-transposed as [in, out], as torch.onnx does.
/// </summary>
public sealed class Layers(GraphBuilder graph, WeightStore weights)
{
    /// <summary>Gain applied to the last projection of each residual branch, so the residual stream grows slowly.</summary>
    public const double ResidualGain = 0.5;

    public GraphBuilder G { get; } = graph;
    public WeightStore W { get; } = weights;
    public ElementType Dtype => W.StoreAs;

    readonly Dictionary<float, string> _scalars = [];
    readonly Dictionary<int, (string Ones, string Zeros)> _groupNormIdentity = [];

    /// <summary>A scalar constant of the model's float type, shared by every node that uses the same value.</summary>
    public string Scalar(float value)
    {
        if (!_scalars.TryGetValue(value, out var name)) _scalars[value] = name = G.Scalar(value, Dtype);
        return name;
    }

    public string Linear(string x, string prefix, int inFeatures, int outFeatures, bool bias = true, double gain = 1)
    {
        var w = W.Random(prefix + ".weight", [inFeatures, outFeatures], gain / Math.Sqrt(inFeatures));
        var y = G.Op("MatMul", x, w);
        return bias ? G.Op("Add", y, W.Bias(prefix + ".bias", [outFeatures])) : y;
    }

    /// <summary>2-D convolution; <paramref name="pads"/> overrides the symmetric k/2 padding (e.g. the VAE's (0,0,1,1)).</summary>
    public Activation Conv(Activation x, string prefix, int outChannels, int kernel, int stride = 1, long[]? pads = null, double gain = 1,
        bool bias = true)
    {
        int fanIn = x.Channels * kernel * kernel;
        var w = W.Random(prefix + ".weight", [outChannels, x.Channels, kernel, kernel], gain / Math.Sqrt(fanIn));
        string[] inputs = bias ? [x.Name, w, W.Bias(prefix + ".bias", [outChannels])] : [x.Name, w];
        long p = kernel / 2;
        var y = G.Op("Conv", inputs,
            ("kernel_shape", new long[] { kernel, kernel }),
            ("strides", new long[] { stride, stride }),
            ("pads", pads ?? [p, p, p, p]));
        return new Activation(y, outChannels);
    }

    /// <summary>torch.nn.GroupNorm as exported: reshape to [B, G, −1], InstanceNormalization, reshape back, affine.</summary>
    public Activation GroupNorm(Activation x, string prefix, int groups, float eps)
    {
        if (x.Channels % groups != 0) throw new ArgumentException($"{prefix}: {x.Channels} channels do not split into {groups} groups.");
        var grouped = G.Op("Reshape", x.Name, G.Ints(0, groups, -1));
        if (!_groupNormIdentity.TryGetValue(groups, out var identity))
            _groupNormIdentity[groups] = identity = (
                W.Constant(G.Fresh("groupnorm_ones"), Enumerable.Repeat(1f, groups).ToArray(), [groups]),
                W.Constant(G.Fresh("groupnorm_zeros"), new float[groups], [groups]));
        var normed = G.Op("InstanceNormalization", [grouped, identity.Ones, identity.Zeros], ("epsilon", eps));
        var back = G.Op("Reshape", normed, G.Op("Shape", x.Name));
        var scale = W.Scale(prefix + ".weight", [x.Channels, 1, 1]);
        var shift = W.Bias(prefix + ".bias", [x.Channels, 1, 1]);
        return new Activation(G.Op("Add", G.Op("Mul", back, scale), shift), x.Channels);
    }

    public string LayerNorm(string x, string prefix, int dim, float eps = 1e-5f)
    {
        var scale = W.Scale(prefix + ".weight", [dim]);
        var shift = W.Bias(prefix + ".bias", [dim]);
        return G.Op("LayerNormalization", [x, scale, shift], ("axis", -1), ("epsilon", eps));
    }

    public string SiLU(string x) => G.Op("Mul", x, G.Op("Sigmoid", x));

    public Activation SiLU(Activation x) => x with { Name = SiLU(x.Name) };

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)), the pattern exported below opset 20.</summary>
    public string Gelu(string x)
    {
        var erf = G.Op("Erf", G.Op("Mul", x, Scalar((float)(1 / Math.Sqrt(2)))));
        return G.Op("Mul", G.Op("Mul", x, Scalar(0.5f)), G.Op("Add", erf, Scalar(1f)));
    }

    /// <summary>CLIP's quick_gelu: x·sigmoid(1.702·x).</summary>
    public string QuickGelu(string x) => G.Op("Mul", x, G.Op("Sigmoid", G.Op("Mul", x, Scalar(1.702f))));

    /// <summary>
    /// Multi-head attention in the exported MatMul/Softmax pattern. <paramref name="context"/> null = self-attention.
    /// <paramref name="mask"/> is added to the [B, H, N, M] scores (the CLIP causal mask).
    /// </summary>
    public string Attention(string x, int dim, string prefix, int heads, string? context = null, int contextDim = 0,
        bool qkvBias = false, string? mask = null, string outProjection = ".to_out.0",
        string q = ".to_q", string k = ".to_k", string v = ".to_v")
    {
        if (dim % heads != 0) throw new ArgumentException($"{prefix}: width {dim} does not split into {heads} heads.");
        int headDim = dim / heads;
        var kvSource = context ?? x;
        int kvDim = context is null ? dim : contextDim;
        var qs = SplitHeads(Linear(x, prefix + q, dim, dim, qkvBias), heads, headDim, [0, 2, 1, 3]);
        var ks = SplitHeads(Linear(kvSource, prefix + k, kvDim, dim, qkvBias), heads, headDim, [0, 2, 3, 1]);
        var vs = SplitHeads(Linear(kvSource, prefix + v, kvDim, dim, qkvBias), heads, headDim, [0, 2, 1, 3]);
        var scores = G.Op("Mul", G.Op("MatMul", qs, ks), Scalar((float)(1 / Math.Sqrt(headDim))));
        if (mask is not null) scores = G.Op("Add", scores, mask);
        var probs = G.Op("Softmax", [scores], ("axis", -1));
        var merged = G.Op("Transpose", [G.Op("MatMul", probs, vs)], ("perm", new long[] { 0, 2, 1, 3 }));
        merged = G.Op("Reshape", merged, G.Ints(0, 0, dim));
        return Linear(merged, prefix + outProjection, dim, dim, bias: true, gain: ResidualGain);
    }

    string SplitHeads(string x, int heads, int headDim, long[] perm) =>
        G.Op("Transpose", [G.Op("Reshape", x, G.Ints(0, 0, heads, headDim))], ("perm", perm));

    /// <summary>[B, C, H, W] → [B, H·W, C] (the token layout of spatial attention).</summary>
    public string ToTokens(string image) =>
        G.Op("Transpose", [G.Op("Reshape", image, G.Ints(0, 0, -1))], ("perm", new long[] { 0, 2, 1 }));

    /// <summary>[B, H·W, C] → the shape of <paramref name="like"/> ([B, C, H, W]).</summary>
    public string FromTokens(string tokens, string like) =>
        G.Op("Reshape", G.Op("Transpose", [tokens], ("perm", new long[] { 0, 2, 1 })), G.Op("Shape", like));

    /// <summary>Nearest-neighbour upsampling to the spatial size of <paramref name="sizeOf"/> (×2 in the usual case).</summary>
    public string ResizeNearestLike(string x, string sizeOf)
    {
        var sizes = G.Op("Concat", [Slice(G.Op("Shape", x), 0, 2), Slice(G.Op("Shape", sizeOf), 2, 4)], ("axis", 0));
        return ResizeNearest(x, "", sizes);
    }

    /// <summary>Nearest-neighbour ×2 (F.interpolate(scale_factor=2, mode="nearest")).</summary>
    public string ResizeNearest2x(string x) =>
        ResizeNearest(x, G.Initializer(G.Fresh("scales"), [1f, 1f, 2f, 2f], [4]), "");

    string ResizeNearest(string x, string scales, string sizes) =>
        G.Op("Resize", [x, "", scales, sizes],
            ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));

    /// <summary>
    /// diffusers ResnetBlock2D: GroupNorm, SiLU, conv 3×3, (+ projected time embedding), GroupNorm, SiLU, conv 3×3,
    /// plus the input (through a 1×1 conv_shortcut when the channel count changes).
    /// <paramref name="timeEmbeddingSilu"/> is SiLU(temb) [B, tembDim], shared by all blocks; null in the VAE.
    /// </summary>
    public Activation Resnet(Activation x, string prefix, int outChannels, int groups, float eps,
        string? timeEmbeddingSilu = null, int timeEmbeddingDim = 0)
    {
        var h = Conv(SiLU(GroupNorm(x, prefix + ".norm1", groups, eps)), prefix + ".conv1", outChannels, 3);
        if (timeEmbeddingSilu is not null)
        {
            var t = Linear(timeEmbeddingSilu, prefix + ".time_emb_proj", timeEmbeddingDim, outChannels);
            h = h with { Name = G.Op("Add", h.Name, G.Op("Unsqueeze", t, G.Ints(2, 3))) };
        }
        h = Conv(SiLU(GroupNorm(h, prefix + ".norm2", groups, eps)), prefix + ".conv2", outChannels, 3, gain: ResidualGain);
        var shortcut = x.Channels == outChannels ? x : Conv(x, prefix + ".conv_shortcut", outChannels, 1);
        return new Activation(G.Op("Add", shortcut.Name, h.Name), outChannels);
    }

    /// <summary>The VAE's single-head spatial self-attention (diffusers Attention with a group_norm), residual added.</summary>
    public Activation SpatialSelfAttention(Activation x, string prefix, int groups, float eps)
    {
        var tokens = ToTokens(GroupNorm(x, prefix + ".group_norm", groups, eps).Name);
        var attended = Attention(tokens, x.Channels, prefix, heads: 1, qkvBias: true);
        return x with { Name = G.Op("Add", x.Name, FromTokens(attended, x.Name)) };
    }

    /// <summary>1-D Slice of an int64 shape vector.</summary>
    public string Slice(string vector, long start, long end) => G.Op("Slice", vector, G.Ints(start), G.Ints(end), G.Ints(0));

    public string Cast(string x, ElementType to) => G.Op("Cast", [x], ("to", (int)to));
}
