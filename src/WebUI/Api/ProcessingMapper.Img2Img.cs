using WebUI.Api.Json;
using WebUI.Api.Models;
using WebUI.Diffusion.Pipelines;
using ResizeMode = WebUI.Diffusion.Pipelines.ResizeMode;

namespace WebUI.Api;

// img2img and inpainting: init image, resize mode, mask and its settings, with the API's own defaults
// (a1111-reference §1.3: inpainting_fill 0 = fill, inpaint_full_res true = "Only masked", padding 0, mask_blur 4).
public sealed partial class ProcessingMapper
{
    /// <summary>The engine's mask blur limit (InpaintMasks.MaxBlur; A1111's UI slider stops at 64, its API has no limit).</summary>
    const int MaxMaskBlur = 256;

    static GenerationRequest MapImg2Img(Img2ImgApiRequest api, GenerationRequest request, List<string> warnings)
    {
        if (api.InitImages is not { Count: > 0 } images || images[0] is null)
            throw new ApiHttpException(StatusCodes.Status404NotFound, "Init image not found");
        byte[] init = ApiImages.Decode(images[0], "init_images[0]");
        using (ApiImages.Load(init, "init_images[0]")) { } // refuse unreadable data now, not halfway through the queue
        for (int i = 1; i < images.Count; i++)
            if (images[i] is { } extra) using (ApiImages.Load(ApiImages.Decode(extra, $"init_images[{i}]"), $"init_images[{i}]")) { }
        if (images.Count > 1) warnings.Add($"init_images: {images.Count} images given; this server uses the first for every picture of the batch.");
        if (api.InitialNoiseMultiplier is double m && m != 1.0)
            warnings.Add("initial_noise_multiplier: not supported on this server; 1.0 was used.");
        if (!string.IsNullOrEmpty(api.LatentMask)) warnings.Add("latent_mask: not supported on this server; ignored.");
        if (api.ImageCfgScale is not null) warnings.Add("image_cfg_scale: only for instruct-pix2pix checkpoints; ignored.");
        request = request with
        {
            InitImage = init,
            DenoisingStrength = api.DenoisingStrength ?? 0.75,
            ResizeMode = (ResizeMode)(api.ResizeMode ?? 0),
        };
        return api.Mask is { Length: > 0 } mask ? MapMask(api, mask, request) : request;
    }

    static GenerationRequest MapMask(Img2ImgApiRequest api, string mask, GenerationRequest request)
    {
        byte[] bytes = ApiImages.Decode(mask, "mask");
        using (ApiImages.Load(bytes, "mask")) { }
        // mask_blur, when given, sets both directions (A1111's mask_blur property setter).
        int blurX = api.MaskBlur ?? api.MaskBlurX ?? 4, blurY = api.MaskBlur ?? api.MaskBlurY ?? 4;
        return request with
        {
            Mask = bytes,
            MaskBlurX = blurX,
            MaskBlurY = blurY,
            MaskRound = api.MaskRound ?? true,
            InpaintingFill = (InpaintingFill)(api.InpaintingFill ?? 0),
            InpaintFullRes = api.InpaintFullRes ?? true,
            InpaintFullResPadding = api.InpaintFullResPadding ?? 0,
            InpaintingMaskInvert = (api.InpaintingMaskInvert ?? 0) != 0,
        };
    }

    static void ValidateImg2Img(Img2ImgApiRequest api, List<ValidationIssue> issues, RangeCheck range)
    {
        range("denoising_strength", api.DenoisingStrength, 0, 1, "denoising_strength");
        range("resize_mode", api.ResizeMode, 0, 3, "resize_mode");
        if (api.Mask is not { Length: > 0 }) return;
        foreach (var (field, value) in new[] { ("mask_blur", api.MaskBlur), ("mask_blur_x", api.MaskBlurX), ("mask_blur_y", api.MaskBlurY) })
            range(field, value, 0, MaxMaskBlur, field);
        range("inpainting_fill", api.InpaintingFill, 0, 3, "inpainting_fill (0 fill, 1 original, 2 latent noise, 3 latent nothing)");
        range("inpaint_full_res_padding", api.InpaintFullResPadding, 0, RequestValidator.MaxSide, "inpaint_full_res_padding");
        range("inpainting_mask_invert", api.InpaintingMaskInvert, 0, 1, "inpainting_mask_invert (0 inpaint masked, 1 inpaint not masked)");
        if (api.ResizeMode == (int)ResizeMode.LatentUpscale)
            issues.Add(ValidationIssue.Field("resize_mode", "resize_mode 3 (latent upscale) cannot be used with a mask; use 0, 1 or 2"));
    }
}
