using System.Diagnostics;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Generation;
using WebUI.Hosting;

namespace WebUI.Api;

/// <summary>The read-only lists (samplers, models, styles, ...) and png-info.</summary>
static class CatalogEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/samplers", () => ApiResponses.Json(SamplerCatalog.Samplers.Select(s => ApiResponses.Ordered(
                ("name", s.Name), ("aliases", s.Aliases), ("options", s.Options.Select(o => new KeyValuePair<string, object?>(o.Key, o.Value)).ToList()))).ToList()))
            .Produces<List<SamplerItem>>().WithName("get_samplers");

        api.MapGet("/schedulers", () => ApiResponses.Json(SamplerCatalog.Schedulers.Select(s => ApiResponses.Ordered(
                ("name", s.Name), ("label", s.Label), ("aliases", s.Aliases.Count == 0 ? null : s.Aliases),
                ("default_rho", s.DefaultRho), ("need_inner_model", s.NeedInnerModel))).ToList()))
            .Produces<List<SchedulerItem>>().WithName("get_schedulers");

        api.MapGet("/sd-models", (ApiModels models) => ApiResponses.Json(models.List().Select(SdModel).ToList()))
            .Produces<List<SdModelItem>>().WithName("get_sd_models");

        // Folders are listed afresh on every request; refreshing only warms the hash cache.
        api.MapPost("/refresh-checkpoints", (ApiModels models) =>
            {
                models.List();
                return ApiResponses.Json(null);
            })
            .WithName("refresh_checkpoints");

        api.MapGet("/sd-vae", (ApiModels models) => ApiResponses.Json(models.Vaes()
                .Select(v => ApiResponses.Ordered(("model_name", v), ("filename", Path.Combine(models.VaeDir, v)))).ToList()))
            .Produces<List<SdVaeItem>>().WithName("get_sd_vaes");
        api.MapPost("/refresh-vae", () => ApiResponses.Json(null)).WithName("refresh_vae");

        api.MapGet("/embeddings", () => ApiResponses.Json(ApiResponses.Ordered(("loaded", ApiResponses.Ordered()), ("skipped", ApiResponses.Ordered()))))
            .Produces<EmbeddingsResponse>().WithName("get_embeddings")
            .WithDescription("Textual-inversion embeddings loaded for the current checkpoint (none yet on this server).");
        api.MapPost("/refresh-embeddings", () => ApiResponses.Json(null)).WithName("refresh_embeddings");

        api.MapGet("/prompt-styles", (WebUIPaths paths) => ApiResponses.Json(PromptStyles.Load(paths.DataDir)
                .Select(s => ApiResponses.Ordered(("name", s.Name), ("prompt", s.Prompt), ("negative_prompt", s.NegativePrompt))).ToList()))
            .Produces<List<PromptStyleItem>>().WithName("get_prompt_styles");

        // Image upscalers for hires fix (A1111's shared.sd_upscalers); the latent modes are listed by the next route.
        api.MapGet("/upscalers", () => ApiResponses.Json(GenerationEngine.HiresUpscalers.Where(n => !IsLatentMode(n))
                .Select(n => ApiResponses.Ordered(("name", n), ("model_name", null), ("model_path", null), ("model_url", null), ("scale", 4.0))).ToList()))
            .Produces<List<UpscalerItem>>().WithName("get_upscalers");

        api.MapGet("/latent-upscale-modes", () => ApiResponses.Json(
                GenerationEngine.HiresUpscalers.Where(IsLatentMode)
                    .Select(n => ApiResponses.Ordered(("name", n))).ToList()))
            .WithName("get_latent_upscale_modes");

        api.MapGet("/face-restorers", () => ApiResponses.Json(Array.Empty<object>())).WithName("get_face_restorers");
        api.MapGet("/hypernetworks", () => ApiResponses.Json(Array.Empty<object>())).WithName("get_hypernetworks");
        api.MapGet("/realesrgan-models", () => ApiResponses.Json(Array.Empty<object>())).WithName("get_realesrgan_models");
        api.MapGet("/extensions", () => ApiResponses.Json(Array.Empty<object>())).WithName("get_extensions_list")
            .WithDescription("Extensions with a git remote (this server has no extension system).");
        api.MapGet("/scripts", () => ApiResponses.Json(ApiResponses.Ordered(
                ("txt2img", ProcessingMapper.AlwaysOnScripts), ("img2img", ProcessingMapper.AlwaysOnScripts))))
            .WithName("get_scripts_list");

        api.MapPost("/png-info", async (HttpContext http) =>
            {
                var body = await ApiRequestBody.ReadAsync<PngInfoApiRequest>(http.Request);
                if (string.IsNullOrWhiteSpace(body.Image))
                    return ApiResponses.Json(ApiResponses.Ordered(("info", ""), ("items", ApiResponses.Ordered()), ("parameters", ApiResponses.Ordered())));
                byte[] bytes = ApiImages.Decode(body.Image, "image");
                try
                {
                    return ApiResponses.RawJson(PngInfo.ToA1111Json(bytes));
                }
                catch (ImageInputException e)
                {
                    throw new Json.ApiHttpException(StatusCodes.Status400BadRequest, $"Invalid encoded image: {e.Message}");
                }
            })
            .Accepts<PngInfoApiRequest>("application/json").Produces<PngInfoResponse>().WithName("pnginfoapi").ProducesValidation().ProducesApiError(400);

        api.MapGet("/memory", () => ApiResponses.Json(Memory())).WithName("get_memory");

        api.MapGet("/cmd-flags", (WebUISettings settings, WebUIPaths paths, ApiCredentials credentials) => ApiResponses.Json(ApiResponses.Ordered(
                ("data_dir", paths.DataDir),
                ("models_dir", paths.ModelsDir),
                ("ckpt_dir", paths.CheckpointsDir),
                ("vae_dir", Path.Combine(paths.ModelsDir, "VAE")),
                ("outdir", paths.OutputsDir),
                ("listen", settings.Listen),
                ("port", settings.Port),
                ("api", true),
                ("nowebui", false),
                // A1111 returns the password list here; it never leaves this server.
                ("api_auth", credentials.Enabled ? "<hidden>" : null),
                ("api_server_stop", settings.ApiServerStop),
                ("use_cpu", settings.ExecutionProvider is "Auto" or "Cpu" ? new[] { "all" } : Array.Empty<string>()))))
            .WithName("get_cmd_flags");
    }

    static List<KeyValuePair<string, object?>> SdModel(ModelInfo m)
    {
        string config = Path.Combine(m.Path, "model_index.json");
        return ApiResponses.Ordered(
            ("title", m.Title),
            ("model_name", m.Name.Replace('/', '_').Replace('\\', '_')),
            ("hash", m.Hash),
            // A1111's sha256 is of the checkpoint file; a model here is a folder of ONNX files, hashed by sampling them.
            ("sha256", null),
            ("filename", m.Path),
            ("config", File.Exists(config) ? config : null));
    }

    static bool IsLatentMode(string upscaler) => upscaler.StartsWith("Latent", StringComparison.Ordinal);

    // A1111 (psutil): used = this process's resident memory, total = the machine's memory, free = total − used.
    static List<KeyValuePair<string, object?>> Memory()
    {
        long used = Process.GetCurrentProcess().WorkingSet64;
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return ApiResponses.Ordered(
            ("ram", ApiResponses.Ordered(("free", (double)(total - used)), ("used", (double)used), ("total", (double)total))),
            ("cuda", ApiResponses.Ordered(("error", "unavailable"))));
    }
}
