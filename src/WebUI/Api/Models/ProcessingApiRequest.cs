using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebUI.Api.Models;

/// <summary>
/// Fields txt2img and img2img share, named, typed and defaulted as A1111's pydantic models
/// (StableDiffusionProcessing*API, v1.10.1). The API's defaults differ from the UI's: steps 50, sampler "Euler"
/// (through <c>sampler_index</c>), seed_resize_from_* −1. Every field is optional and may be null; unknown fields are
/// ignored. <see cref="JsonPropertyOrderAttribute"/> keeps A1111's field order, which the echoed <c>parameters</c> follow.
/// </summary>
public abstract class ProcessingApiRequest
{
    [JsonPropertyName("prompt"), JsonPropertyOrder(0)] public string? Prompt { get; set; } = "";
    [JsonPropertyName("negative_prompt"), JsonPropertyOrder(1)] public string? NegativePrompt { get; set; } = "";
    [JsonPropertyName("styles"), JsonPropertyOrder(2), Description("Names from styles.csv, applied to prompt and negative prompt.")]
    public List<string>? Styles { get; set; }
    [JsonPropertyName("seed"), JsonPropertyOrder(3), Description("-1 picks a random seed.")] public long? Seed { get; set; } = -1;
    [JsonPropertyName("subseed"), JsonPropertyOrder(4)] public long? Subseed { get; set; } = -1;
    [JsonPropertyName("subseed_strength"), JsonPropertyOrder(5)] public double? SubseedStrength { get; set; } = 0;
    [JsonPropertyName("seed_resize_from_h"), JsonPropertyOrder(6)] public int? SeedResizeFromH { get; set; } = -1;
    [JsonPropertyName("seed_resize_from_w"), JsonPropertyOrder(7)] public int? SeedResizeFromW { get; set; } = -1;
    [JsonPropertyName("sampler_name"), JsonPropertyOrder(8), Description("Sampler name or alias; may end with a scheduler (\"DPM++ 2M Karras\").")]
    public string? SamplerName { get; set; }
    [JsonPropertyName("scheduler"), JsonPropertyOrder(9)] public string? Scheduler { get; set; }
    [JsonPropertyName("batch_size"), JsonPropertyOrder(10)] public int? BatchSize { get; set; } = 1;
    [JsonPropertyName("n_iter"), JsonPropertyOrder(11), Description("Batch count.")] public int? NIter { get; set; } = 1;
    [JsonPropertyName("steps"), JsonPropertyOrder(12)] public int? Steps { get; set; } = 50;
    [JsonPropertyName("cfg_scale"), JsonPropertyOrder(13)] public double? CfgScale { get; set; } = 7.0;
    [JsonPropertyName("width"), JsonPropertyOrder(14)] public int? Width { get; set; } = 512;
    [JsonPropertyName("height"), JsonPropertyOrder(15)] public int? Height { get; set; } = 512;
    [JsonPropertyName("restore_faces"), JsonPropertyOrder(16)] public bool? RestoreFaces { get; set; }
    [JsonPropertyName("tiling"), JsonPropertyOrder(17)] public bool? Tiling { get; set; }
    [JsonPropertyName("do_not_save_samples"), JsonPropertyOrder(18)] public bool? DoNotSaveSamples { get; set; } = false;
    [JsonPropertyName("do_not_save_grid"), JsonPropertyOrder(19)] public bool? DoNotSaveGrid { get; set; } = false;
    [JsonPropertyName("eta"), JsonPropertyOrder(20)] public double? Eta { get; set; }
    [JsonPropertyName("denoising_strength"), JsonPropertyOrder(21)] public virtual double? DenoisingStrength { get; set; }
    [JsonPropertyName("s_min_uncond"), JsonPropertyOrder(22)] public double? SMinUncond { get; set; }
    [JsonPropertyName("s_churn"), JsonPropertyOrder(23)] public double? SChurn { get; set; }
    [JsonPropertyName("s_tmax"), JsonPropertyOrder(24)] public double? STmax { get; set; }
    [JsonPropertyName("s_tmin"), JsonPropertyOrder(25)] public double? STmin { get; set; }
    [JsonPropertyName("s_noise"), JsonPropertyOrder(26)] public double? SNoise { get; set; }
    [JsonPropertyName("override_settings"), JsonPropertyOrder(27), Description("Settings (as /sdapi/v1/options) applied to this job only.")]
    public Dictionary<string, JsonElement>? OverrideSettings { get; set; }
    [JsonPropertyName("override_settings_restore_afterwards"), JsonPropertyOrder(28)] public bool? OverrideSettingsRestoreAfterwards { get; set; } = true;
    [JsonPropertyName("refiner_checkpoint"), JsonPropertyOrder(29)] public string? RefinerCheckpoint { get; set; }
    [JsonPropertyName("refiner_switch_at"), JsonPropertyOrder(30)] public double? RefinerSwitchAt { get; set; }
    [JsonPropertyName("disable_extra_networks"), JsonPropertyOrder(31)] public bool? DisableExtraNetworks { get; set; } = false;
    [JsonPropertyName("firstpass_image"), JsonPropertyOrder(32)] public string? FirstpassImage { get; set; }
    [JsonPropertyName("comments"), JsonPropertyOrder(33)] public Dictionary<string, JsonElement>? Comments { get; set; }

    // API-only fields (A1111 adds them after the processing class's own).
    [JsonPropertyName("sampler_index"), JsonPropertyOrder(200), Description("Legacy sampler field, used when sampler_name is empty.")]
    public string? SamplerIndex { get; set; } = "Euler";
    [JsonPropertyName("script_name"), JsonPropertyOrder(201)] public string? ScriptName { get; set; }
    [JsonPropertyName("script_args"), JsonPropertyOrder(202)] public List<JsonElement>? ScriptArgs { get; set; } = [];
    [JsonPropertyName("send_images"), JsonPropertyOrder(203)] public bool? SendImages { get; set; } = true;
    [JsonPropertyName("save_images"), JsonPropertyOrder(204), Description("Save to the outputs folders like the web UI (default: nothing is written).")]
    public bool? SaveImages { get; set; } = false;
    [JsonPropertyName("alwayson_scripts"), JsonPropertyOrder(205), Description("{\"<script title>\": {\"args\": [...]}}")]
    public Dictionary<string, JsonElement>? AlwaysonScripts { get; set; } = [];
    [JsonPropertyName("infotext"), JsonPropertyOrder(206), Description("Infotext whose values fill the fields this request does not set.")]
    public string? Infotext { get; set; }

    /// <summary>Fields present in the request body (A1111's exclude_unset), so infotext never overrides them.</summary>
    [JsonIgnore] public HashSet<string> SetFields { get; } = new(StringComparer.Ordinal);
}

/// <summary>POST /sdapi/v1/txt2img.</summary>
public sealed class Txt2ImgApiRequest : ProcessingApiRequest
{
    [JsonPropertyName("enable_hr"), JsonPropertyOrder(100)] public bool? EnableHr { get; set; } = false;
    [JsonPropertyName("firstphase_width"), JsonPropertyOrder(101)] public int? FirstphaseWidth { get; set; } = 0;
    [JsonPropertyName("firstphase_height"), JsonPropertyOrder(102)] public int? FirstphaseHeight { get; set; } = 0;
    [JsonPropertyName("hr_scale"), JsonPropertyOrder(103)] public double? HrScale { get; set; } = 2.0;
    [JsonPropertyName("hr_upscaler"), JsonPropertyOrder(104)] public string? HrUpscaler { get; set; }
    [JsonPropertyName("hr_second_pass_steps"), JsonPropertyOrder(105)] public int? HrSecondPassSteps { get; set; } = 0;
    [JsonPropertyName("hr_resize_x"), JsonPropertyOrder(106)] public int? HrResizeX { get; set; } = 0;
    [JsonPropertyName("hr_resize_y"), JsonPropertyOrder(107)] public int? HrResizeY { get; set; } = 0;
    [JsonPropertyName("hr_checkpoint_name"), JsonPropertyOrder(108)] public string? HrCheckpointName { get; set; }
    [JsonPropertyName("hr_sampler_name"), JsonPropertyOrder(109)] public string? HrSamplerName { get; set; }
    [JsonPropertyName("hr_scheduler"), JsonPropertyOrder(110)] public string? HrScheduler { get; set; }
    [JsonPropertyName("hr_prompt"), JsonPropertyOrder(111)] public string? HrPrompt { get; set; } = "";
    [JsonPropertyName("hr_negative_prompt"), JsonPropertyOrder(112)] public string? HrNegativePrompt { get; set; } = "";
    [JsonPropertyName("force_task_id"), JsonPropertyOrder(113)] public string? ForceTaskId { get; set; }
}

/// <summary>POST /sdapi/v1/img2img.</summary>
public sealed class Img2ImgApiRequest : ProcessingApiRequest
{
    [JsonPropertyName("denoising_strength"), JsonPropertyOrder(21)] public override double? DenoisingStrength { get; set; } = 0.75;
    [JsonPropertyName("init_images"), JsonPropertyOrder(100), Description("Base64 images or data: URLs (required).")]
    public List<string>? InitImages { get; set; }
    [JsonPropertyName("resize_mode"), JsonPropertyOrder(101), Description("0 Just resize, 1 Crop and resize, 2 Resize and fill, 3 Just resize (latent upscale).")]
    public int? ResizeMode { get; set; } = 0;
    [JsonPropertyName("image_cfg_scale"), JsonPropertyOrder(102)] public double? ImageCfgScale { get; set; }
    [JsonPropertyName("mask"), JsonPropertyOrder(103), Description("Base64 mask or data: URL; white = area to regenerate.")]
    public string? Mask { get; set; }
    [JsonPropertyName("mask_blur_x"), JsonPropertyOrder(104)] public int? MaskBlurX { get; set; } = 4;
    [JsonPropertyName("mask_blur_y"), JsonPropertyOrder(105)] public int? MaskBlurY { get; set; } = 4;
    [JsonPropertyName("mask_blur"), JsonPropertyOrder(106)] public int? MaskBlur { get; set; }
    [JsonPropertyName("mask_round"), JsonPropertyOrder(107)] public bool? MaskRound { get; set; } = true;
    [JsonPropertyName("inpainting_fill"), JsonPropertyOrder(108), Description("0 fill, 1 original, 2 latent noise, 3 latent nothing.")]
    public int? InpaintingFill { get; set; } = 0;
    [JsonPropertyName("inpaint_full_res"), JsonPropertyOrder(109), Description("true = \"Only masked\".")]
    public bool? InpaintFullRes { get; set; } = true;
    [JsonPropertyName("inpaint_full_res_padding"), JsonPropertyOrder(110)] public int? InpaintFullResPadding { get; set; } = 0;
    [JsonPropertyName("inpainting_mask_invert"), JsonPropertyOrder(111)] public int? InpaintingMaskInvert { get; set; } = 0;
    [JsonPropertyName("initial_noise_multiplier"), JsonPropertyOrder(112)] public double? InitialNoiseMultiplier { get; set; }
    [JsonPropertyName("latent_mask"), JsonPropertyOrder(113)] public string? LatentMask { get; set; }
    [JsonPropertyName("force_task_id"), JsonPropertyOrder(114)] public string? ForceTaskId { get; set; }
    [JsonPropertyName("include_init_images"), JsonPropertyOrder(207), Description("Echo init_images and mask in `parameters`.")]
    public bool? IncludeInitImages { get; set; } = false;
}
