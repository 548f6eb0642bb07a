using WebUI.ModelForge.Onnx;

namespace WebUI.ModelForge.Architectures;

/// <summary>The concrete I/O table of one dialect: element types, the timestep's rank, names of dynamic axes, files.</summary>
public sealed record ExportDialect(
    TinyDialect Kind,
    ElementType FloatType,
    ElementType InputIdsType,
    ElementType TimestepType,
    bool ScalarTimestep,
    bool OptimumLayout)
{
    public static ExportDialect For(TinyDialect dialect) => dialect switch
    {
        TinyDialect.DiffusersFp32 => new(dialect, ElementType.Float, ElementType.Int32, ElementType.Float, false, false),
        TinyDialect.OptimumFp32 => new(dialect, ElementType.Float, ElementType.Int64, ElementType.Float, true, true),
        TinyDialect.Fp16 => new(dialect, ElementType.Float16, ElementType.Int32, ElementType.Float16, false, false),
        TinyDialect.LegacyInt64Timestep => new(dialect, ElementType.Float, ElementType.Int32, ElementType.Int64, false, false),
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown dialect."),
    };

    /// <summary>Name of the dynamic batch axis: torch.onnx in the diffusers script says "batch", Optimum "batch_size".</summary>
    public string Batch => OptimumLayout ? "batch_size" : "batch";
    public string Sequence => OptimumLayout ? "sequence_length" : "sequence";

    /// <summary>The UNet's external-data file: diffusers collates into weights.pb, Optimum writes model.onnx_data.</summary>
    public string UnetExternalData => OptimumLayout ? "model.onnx_data" : "weights.pb";

    /// <summary>Optimum ≥ 1.23 returns the posterior parameters; the diffusers export returns a latent.</summary>
    public string EncoderOutput => OptimumLayout ? "latent_parameters" : "latent_sample";

    /// <summary>Optimum also exports every layer's hidden state (hidden_states.0 … hidden_states.L).</summary>
    public bool HiddenStates => OptimumLayout;
}
