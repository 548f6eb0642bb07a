namespace WebUI.ModelForge;

/// <summary>The exporter conventions a tiny test family is written in (see diffusion-reference.md §6a, §6b, §1.6).</summary>
public enum TinyDialect
{
    /// <summary>diffusers script after Nov 2022: int32 input_ids, float timestep [batch], unet/weights.pb, no config.json.</summary>
    DiffusersFp32,
    /// <summary>Optimum ≥ 1.24: int64 input_ids, 0-d float timestep, latent_parameters, config.json per part, model.onnx_data.</summary>
    OptimumFp32,
    /// <summary>diffusers layout exported with --fp16: every float input/output (the timestep too) and weight is float16.</summary>
    Fp16,
    /// <summary>diffusers script before Nov 2022: int64 timestep [batch], otherwise as DiffusersFp32.</summary>
    LegacyInt64Timestep,
}
