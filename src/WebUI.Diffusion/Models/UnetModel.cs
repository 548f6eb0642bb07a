using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static WebUI.Diffusion.Models.SessionMetadata;

namespace WebUI.Diffusion.Models;

/// <summary>
/// The UNet session and what its metadata says about feeding it (diffusion-reference §1.6, §6): element types of
/// sample / timestep / encoder_hidden_states, the timestep's rank and type, and whether the batch axis is dynamic.
/// Nothing is assumed from the exporter's name; every choice comes from the declared inputs.
/// </summary>
internal sealed class UnetModel : IDisposable
{
    const string Part = "unet";
    public const string SampleName = "sample", TimestepName = "timestep", HiddenName = "encoder_hidden_states",
        TextEmbedsName = "text_embeds", TimeIdsName = "time_ids", TimestepCondName = "timestep_cond";

    readonly SessionHandle _handle;

    UnetModel(SessionHandle handle) => _handle = handle;

    public InferenceSession Session => _handle.Session;
    public string OutputName { get; private set; } = "out_sample";
    public TensorElementType SampleType { get; private set; }
    public TensorElementType TimestepType { get; private set; }
    public TensorElementType HiddenType { get; private set; }
    public TensorElementType OutputType { get; private set; }
    /// <summary>Shape to feed the timestep with: [] for a 0-d input, [1] for a dynamic 1-d input, [n] when fixed to n.</summary>
    public long[] TimestepShape { get; private set; } = [1];
    /// <summary>Integer timesteps (old exports) get the nearest table index, A1111's "quantized" t.</summary>
    public bool TimestepIsInteger => TimestepType is TensorElementType.Int64 or TensorElementType.Int32;
    /// <summary>Null when the batch axis is dynamic; otherwise the only batch size the export accepts.</summary>
    public int? FixedBatch { get; private set; }
    public int LatentChannels { get; private set; } = 4;
    /// <summary>Channels of the sample input: 4, or 9 for an inpainting UNet (latents ‖ mask ‖ masked-image latents).</summary>
    public int InChannels { get; private set; } = 4;
    public bool IsInpainting => InChannels > LatentChannels;
    public int? FixedLatentHeight { get; private set; }
    public int? FixedLatentWidth { get; private set; }
    public int? FixedSequence { get; private set; }
    public int? HiddenWidth { get; private set; }
    /// <summary>SDXL: the pooled text embedding input text_embeds [B, P] (null when the UNet has none).</summary>
    public TensorElementType? TextEmbedsType { get; private set; }
    public int? TextEmbedsWidth { get; private set; }
    /// <summary>SDXL: the size conditioning input time_ids [B, 6] (refiner [B, 5]).</summary>
    public TensorElementType? TimeIdsType { get; private set; }
    public int? TimeIdsCount { get; private set; }
    /// <summary>LCM-distilled UNets: the guidance embedding input timestep_cond [B, D] (diffusion-reference §3.16).</summary>
    public TensorElementType? TimestepCondType { get; private set; }
    public int? TimestepCondWidth { get; private set; }
    public bool IsSdxl => TextEmbedsType is not null;
    public bool HasTimestepCond => TimestepCondType is not null;

    /// <param name="configInChannels">unet/config.json in_channels, used when the sample's channel axis is dynamic.</param>
    public static UnetModel Create(InferenceSession session, int? configInChannels = null) => Create(SessionHandle.Of(session), configInChannels);

    /// <param name="handle">The UNet session (the model owns it from now on).</param>
    /// <param name="configInChannels">unet/config.json in_channels, used when the sample's channel axis is dynamic;
    /// without either the channels are found by a probe run (diffusion-reference §5.3).</param>
    /// <param name="textWidthHint">Text embedding width for the probe when the UNet leaves it dynamic.</param>
    public static UnetModel Create(SessionHandle handle, int? configInChannels = null, int? textWidthHint = null)
    {
        var u = new UnetModel(handle);
        try { u.Inspect(configInChannels, textWidthHint); }
        catch { handle.Dispose(); throw; }
        return u;
    }

    /// <summary>Frees the session (sequential memory mode); the next run reopens it.</summary>
    public void Release() => _handle.Release();

    public bool IsOpen => _handle.IsOpen;

    void Inspect(int? configInChannels, int? textWidthHint)
    {
        var s = Session;
        var sample = RequireInput(s, Part, SampleName);
        SampleType = RequireFloat(sample, Part, SampleName);
        RequireRank(sample, Part, SampleName, 4);

        var t = RequireInput(s, Part, TimestepName);
        if (!t.IsTensor || t.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16 or TensorElementType.Int64 or TensorElementType.Int32))
            throw new ModelFolderException(Part, $"'{TimestepName}' is {Describe(t)}; expected float32, float16 or int64");
        TimestepType = t.ElementDataType;
        TimestepShape = t.Dimensions.Length switch
        {
            0 => [],
            1 => [Fixed(t, 0) ?? 1],
            _ => throw new ModelFolderException(Part, $"'{TimestepName}' has rank {t.Dimensions.Length}; expected a scalar or a 1-d tensor"),
        };

        var h = RequireInput(s, Part, HiddenName);
        foreach (var name in s.InputMetadata.Keys)
        {
            if (name is SampleName or TimestepName or HiddenName or TextEmbedsName or TimeIdsName or TimestepCondName) continue;
            throw new ModelFolderException(Part, $"unexpected input '{name}' (a Stable Diffusion UNet takes sample, timestep and encoder_hidden_states; SDXL adds text_embeds and time_ids, LCM timestep_cond)");
        }
        bool hasEmbeds = s.InputMetadata.ContainsKey(TextEmbedsName), hasTimeIds = s.InputMetadata.ContainsKey(TimeIdsName);
        if (hasEmbeds != hasTimeIds)
            throw new ModelFolderException(Part, $"has '{(hasEmbeds ? TextEmbedsName : TimeIdsName)}' without '{(hasEmbeds ? TimeIdsName : TextEmbedsName)}' (an SDXL UNet takes both)");
        if (hasEmbeds)
        {
            (TextEmbedsType, TextEmbedsWidth) = Matrix(s, TextEmbedsName);
            (TimeIdsType, TimeIdsCount) = Matrix(s, TimeIdsName);
            if (TimeIdsCount is { } n && n is not (5 or 6))
                throw new ModelFolderException(Part, $"'{TimeIdsName}' takes {n} values; expected 6 (SDXL) or 5 (SDXL refiner)");
        }
        if (s.InputMetadata.ContainsKey(TimestepCondName)) (TimestepCondType, TimestepCondWidth) = Matrix(s, TimestepCondName);

        HiddenType = RequireFloat(h, Part, HiddenName);
        RequireRank(h, Part, HiddenName, 3);
        FixedSequence = Fixed(h, 1);
        HiddenWidth = Fixed(h, 2);

        var (outName, output) = OutputOrOnly(s, Part, "out_sample");
        OutputName = outName;
        OutputType = RequireFloat(output, Part, outName);

        int? sb = Fixed(sample, 0), hb = Fixed(h, 0);
        if (sb is not null && hb is not null && sb != hb)
            throw new ModelFolderException(Part, $"'{SampleName}' batch {sb} differs from '{HiddenName}' batch {hb}");
        FixedBatch = sb ?? hb;

        FixedLatentHeight = Fixed(sample, 2);
        FixedLatentWidth = Fixed(sample, 3);
        int inChannels = Fixed(sample, 1) ?? configInChannels ?? UnetChannelProbe.Detect(this, textWidthHint);
        if (inChannels is not (4 or 9))
            throw new ModelFolderException(Part, $"'{SampleName}' has {inChannels} channels; expected 4 latent channels (or 9 for an inpainting UNet)");
        int outChannels = Fixed(output, 1) ?? LatentChannels;
        if (outChannels != LatentChannels)
            throw new ModelFolderException(Part, $"'{outName}' has {outChannels} channels; expected {LatentChannels}");
        InChannels = inChannels;
    }

    static (TensorElementType, int?) Matrix(InferenceSession s, string name)
    {
        var m = s.InputMetadata[name];
        var type = RequireFloat(m, Part, name);
        RequireRank(m, Part, name, 2);
        return (type, Fixed(m, 1));
    }

    public void Dispose() => _handle.Dispose();
}
