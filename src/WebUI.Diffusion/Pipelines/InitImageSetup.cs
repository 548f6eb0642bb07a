using SixLabors.ImageSharp.PixelFormats;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Sampling.Rng;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// What the sampler starts from besides noise, prepared once per job the way A1111's img2img init() does it
/// (a1111-reference §8.3): the init latent per batch image, the latent mask (nmask, 1 = repaint), an inpainting
/// UNet's extra channels (mask ‖ masked-image latents), the overlay that restores unmasked pixels, and the infotext
/// entries these steps add, in A1111's order.
/// </summary>
internal sealed class InitImageSetup
{
    /// <summary>Scaled init latent for each image of a batch [B, C, h, w]; null for txt2img.</summary>
    public float[]? InitLatent { get; private set; }
    /// <summary>Repaint weight per latent pixel [h, w]; null without a mask.</summary>
    public float[]? NMask { get; private set; }
    /// <summary>An inpainting UNet's extra channels for each batch image [B, 5, h, w]; null for 4-channel UNets.</summary>
    public float[]? ImageConditioning { get; private set; }
    public InpaintOverlay? Overlay { get; private set; }
    public List<KeyValuePair<string, object?>> Extras { get; } = [];

    sealed record Context(GenerationRequest Request, DiffusionModel Model, VaeCodec Vae, IImageOutput Images, long[] FirstBatchSeeds);

    public static InitImageSetup Prepare(GenerationRequest request, DiffusionModel model, VaeCodec vae, IImageOutput images, long[] firstBatchSeeds)
    {
        var setup = new InitImageSetup();
        if (request.IsImg2Img || model.Unet.IsInpainting) _ = model.Encoder; // a missing encoder is reported before any pixel work
        var c = new Context(request, model, vae, images, firstBatchSeeds);
        if (request.IsInpainting) setup.PrepareInpainting(c);
        else if (request.IsImg2Img) setup.PreparePlainImg2Img(c);
        else if (model.Unet.IsInpainting) setup.ImageConditioning = FullMaskConditioning(c, request.Width, request.Height);
        if (model.Unet.IsInpainting) setup.Extras.Add(new("Conditional mask weight", "1.0"));
        return setup;
    }

    static int Channels(Context c) => c.Model.Unet.LatentChannels;

    void PreparePlainImg2Img(Context c)
    {
        var r = c.Request;
        int channels = Channels(c), h = r.Height / 8, w = r.Width / 8;
        var (rgb, iw, ih) = c.Images.LoadInitImage(r.InitImage!, r.Width, r.Height, r.ResizeMode);
        var latent = c.Vae.Encode(rgb, ih, iw, channels);
        if (ih / 8 != h || iw / 8 != w) latent = LatentImage.ResizeBilinear(latent, channels, ih / 8, iw / 8, h, w);
        InitLatent = Repeat(latent, r.BatchSize);
        if (c.Model.Unet.IsInpainting) ImageConditioning = FullMaskConditioning(c, r.Width, r.Height);
    }

    void PrepareInpainting(Context c)
    {
        var r = c.Request;
        int W = r.Width, H = r.Height, channels = Channels(c), h = H / 8, w = W / 8;
        using var init = ImageInput.Load(r.InitImage!);
        int iw = init.Width, ih = init.Height;
        var image = new byte[iw * ih * 3];
        init.CopyPixelDataTo(image);

        var mask = ImageInput.LoadMask(r.Mask!, r.MaskRound);
        if (r.InpaintingMaskInvert)
        {
            mask = mask.Invert();
            Extras.Add(new("Mask mode", "Inpaint not masked"));
        }
        mask = InpaintMasks.Blur(mask, r.MaskBlurX, r.MaskBlurY);
        if (r.MaskBlurX > 0 || r.MaskBlurY > 0)
            Extras.Add(new("Mask blur", r.MaskBlurX == r.MaskBlurY ? r.MaskBlurX : null)); // A1111's mask_blur is None when x ≠ y

        GrayImage? imageMask, overlayMask;
        (int X1, int Y1, int X2, int Y2)? crop = null;
        if (r.InpaintFullRes)
        {
            // The crop box is found on the full-size mask, so it must line up with the image.
            if (mask.Width != iw || mask.Height != ih) mask = ResizeMask(mask, iw, ih, ResizeMode.JustResize);
            overlayMask = mask;
            crop = InpaintMasks.CropRegion(mask, r.InpaintFullResPadding, W, H);
            if (crop is { } box)
            {
                imageMask = ResizeMask(mask.Crop(box.X1, box.Y1, box.X2, box.Y2), W, H, ResizeMode.ResizeAndFill);
                Extras.Add(new("Inpaint area", "Only masked"));
                Extras.Add(new("Masked area padding", r.InpaintFullResPadding));
            }
            else
            {
                // A1111: 'Unable to perform "Inpaint Only mask" because mask is blank, switch to img2img mode.'
                imageMask = overlayMask = null;
            }
        }
        else
        {
            imageMask = ResizeMask(mask, W, H, r.ResizeMode);
            overlayMask = InpaintMasks.Doubled(imageMask);
        }

        // The init picture: fitted to W×H unless it is cropped ("Only masked").
        int pw = iw, ph = ih;
        if (crop is null)
        {
            image = ImageInput.ResizePixels(image, 3, iw, ih, W, H, r.ResizeMode);
            pw = W;
            ph = H;
        }
        if (overlayMask is not null)
        {
            if (overlayMask.Width != pw || overlayMask.Height != ph) overlayMask = ResizeMask(overlayMask, pw, ph, r.ResizeMode);
            (int, int, int, int)? paste = crop is { } b ? (b.X1, b.Y1, b.X2 - b.X1, b.Y2 - b.Y1) : null;
            Overlay = new InpaintOverlay(PilCompositing.MaskedOverlay(image, overlayMask), pw, ph, paste);
        }
        if (crop is { } cb)
        {
            var cropped = CropRgb(image, pw, cb.X1, cb.Y1, cb.X2, cb.Y2);
            image = ImageInput.ResizePixels(cropped, 3, cb.X2 - cb.X1, cb.Y2 - cb.Y1, W, H, ResizeMode.ResizeAndFill);
        }
        if (imageMask is not null && r.InpaintingFill != InpaintingFill.Original)
        {
            image = PilCompositing.Fill(image, imageMask);
            if (r.InpaintingFill == InpaintingFill.Fill) Extras.Add(new("Masked content", "fill"));
        }

        var source = InpaintOverlay.ToChw(image, W, H);
        var latent = c.Vae.Encode(source, H, W, channels);
        InitLatent = Repeat(latent, r.BatchSize);
        if (imageMask is not null)
        {
            NMask = InpaintMasks.LatentMask(imageMask, w, h, r.MaskRound);
            if (r.InpaintingFill is InpaintingFill.LatentNoise or InpaintingFill.LatentNothing)
                FillMaskedLatent(c, r.InpaintingFill == InpaintingFill.LatentNoise, channels, h, w);
        }
        if (c.Model.Unet.IsInpainting)
            ImageConditioning = imageMask is null ? FullMaskConditioning(c, W, H) : MaskConditioning(c, source, imageMask);
    }

    // "latent noise": the masked latent becomes the seeds' noise (the first batch's seeds, as A1111 does in init());
    // "latent nothing": it becomes 0.
    void FillMaskedLatent(Context c, bool noise, int channels, int h, int w)
    {
        var latent = InitLatent!;
        float[]? n = null;
        if (noise)
        {
            n = new float[latent.Length];
            new ImageNoise(c.Request.RngSource, c.FirstBatchSeeds, channels, h, w).First(n);
        }
        int plane = h * w;
        for (int i = 0; i < latent.Length; i++)
        {
            float m = NMask![i % plane];
            latent[i] = latent[i] * (1 - m) + (n is null ? 0f : n[i] * m);
        }
        Extras.Add(new("Masked content", noise ? "latent noise" : "latent nothing"));
    }

    // inpainting_image_conditioning: [mask at latent size ‖ VAE(image·(1 − mask))·scale], the mask rounded like the
    // sampling mask; inpainting_mask_weight 1.0, so the masked area is 0 (grey in [−1, 1]).
    static float[] MaskConditioning(Context c, float[] sourceChw, GrayImage imageMask)
    {
        var r = c.Request;
        int W = r.Width, H = r.Height, plane = W * H;
        var masked = new float[sourceChw.Length];
        for (int i = 0; i < plane; i++)
        {
            float m = imageMask.Pixels[i] / 255f;
            if (r.MaskRound) m = MathF.Round(m, MidpointRounding.ToEven);
            for (int ch = 0; ch < 3; ch++) masked[ch * plane + i] = sourceChw[ch * plane + i] * (1 - m);
        }
        var latent = c.Vae.Encode(masked, H, W, c.Model.Unet.LatentChannels);
        var condMask = InpaintMasks.ConditioningMask(imageMask, W / 8, H / 8, r.MaskRound);
        return Repeat([.. condMask, .. latent], r.BatchSize);
    }

    /// <summary>
    /// The conditioning when everything is repainted (txt2img and unmasked img2img with an inpainting UNet, A1111's
    /// txt2img_image_conditioning): a mask of ones and the latents of an all-grey (0 in [−1, 1]) picture.
    /// </summary>
    public static float[] FullMaskConditioning(DiffusionModel model, VaeCodec vae, int width, int height, int batch)
    {
        int plane = width / 8 * (height / 8);
        var latent = vae.Encode(new float[3 * width * height], height, width, model.Unet.LatentChannels);
        var ones = new float[plane];
        Array.Fill(ones, 1f);
        return Repeat([.. ones, .. latent], batch);
    }

    static float[] FullMaskConditioning(Context c, int width, int height) =>
        FullMaskConditioning(c.Model, c.Vae, width, height, c.Request.BatchSize);

    internal static float[] Repeat(float[] one, int times)
    {
        var all = new float[one.Length * times];
        for (int i = 0; i < times; i++) one.CopyTo(all, i * one.Length);
        return all;
    }

    // resize_image on an "L" image: Lanczos in every mode; the same size is a copy in every mode.
    static GrayImage ResizeMask(GrayImage mask, int width, int height, ResizeMode mode) =>
        mask.Width == width && mask.Height == height
            ? mask
            : new GrayImage(ImageInput.ResizePixels(mask.Pixels, 1, mask.Width, mask.Height, width, height, mode), width, height);

    static byte[] CropRgb(byte[] rgb, int width, int x1, int y1, int x2, int y2)
    {
        int w = x2 - x1, h = y2 - y1;
        var p = new byte[w * h * 3];
        for (int y = 0; y < h; y++) Buffer.BlockCopy(rgb, ((y1 + y) * width + x1) * 3, p, y * w * 3, w * 3);
        return p;
    }
}
