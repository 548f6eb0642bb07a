using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;

namespace WebUI.Api;

/// <summary>
/// A1111's <c>Processed.js()</c>: the object behind the response's <c>info</c> string, keys in A1111's order.
/// One key is this server's own and comes last: <c>warnings</c>, the request fields and settings that had no effect here
/// and what the engine could not honour for the model (GenerationResult.Warnings).
/// </summary>
public static class ProcessedInfo
{
    public static List<KeyValuePair<string, object?>> Build(ProcessingApiRequest api, ApiJob job, GenerationResult? result,
        IReadOnlyList<string> infotexts, int indexOfFirstImage, string jobTimestamp, IReadOnlyList<string> warnings)
    {
        var r = job.Request;
        var images = result?.Images ?? [];
        var seeds = images.Select(i => i.Seed).ToList();
        var subseeds = images.Select(i => i.Subseed).ToList();
        var plan = SamplerCatalog.Plan(r.Sampler, r.Scheduler, r.Steps, NoiseSchedule.Default, RequestValidator.Options(r));
        var extra = plan.ExtraGenerationParams.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList();
        if (plan.SchedulerLabel != "Automatic") extra.Insert(0, new("Schedule type", plan.SchedulerLabel));
        var vae = SeparateVae(infotexts.Count > 0 ? infotexts[indexOfFirstImage] : null);

        return ApiResponses.Ordered(
            ("prompt", r.Prompt),
            ("all_prompts", images.Select(_ => r.Prompt).ToList()),
            ("negative_prompt", r.NegativePrompt),
            ("all_negative_prompts", images.Select(_ => r.NegativePrompt).ToList()),
            ("seed", seeds.Count > 0 ? seeds[0] : r.Seed),
            ("all_seeds", seeds),
            ("subseed", subseeds.Count > 0 ? subseeds[0] : r.Subseed),
            ("all_subseeds", subseeds),
            ("subseed_strength", r.SubseedStrength),
            ("width", r.Width),
            ("height", r.Height),
            ("sampler_name", plan.SamplerName),
            ("cfg_scale", r.CfgScale),
            ("steps", r.Steps),
            ("batch_size", r.BatchSize),
            ("restore_faces", false),
            ("face_restoration_model", null),
            ("sd_model_name", job.Model.Name),
            ("sd_model_hash", job.Model.Hash),
            ("sd_vae_name", vae.Name),
            ("sd_vae_hash", vae.Hash),
            ("seed_resize_from_w", api.SeedResizeFromW ?? -1),
            ("seed_resize_from_h", api.SeedResizeFromH ?? -1),
            ("denoising_strength", r.IsImg2Img || r.EnableHr ? r.DenoisingStrength : api.DenoisingStrength),
            ("extra_generation_params", extra),
            ("index_of_first_image", indexOfFirstImage),
            ("infotexts", infotexts),
            ("styles", api.Styles ?? []),
            ("job_timestamp", jobTimestamp),
            ("clip_skip", job.Settings.Integer(OptionKeys.ClipSkip)),
            ("is_using_inpainting_conditioning", false),
            ("version", null),
            ("warnings", warnings));
    }

    // A1111 reports the separate VAE in use (null for the checkpoint's own); the engine writes it into the infotext.
    static (string? Name, string? Hash) SeparateVae(string? infotext)
    {
        if (infotext is null) return (null, null);
        var values = Infotext.Parse(infotext).Parameters;
        return (values.GetValueOrDefault("VAE"), values.GetValueOrDefault("VAE hash"));
    }
}
