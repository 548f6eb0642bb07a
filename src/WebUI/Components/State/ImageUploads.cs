using SixLabors.ImageSharp;
using WebUI.Diffusion.Imaging;
using WebUI.Localization;

namespace WebUI.Components.State;

/// <summary>A picture the user gave the page (upload, drawing, sent from the results), kept in the scratch store.</summary>
public sealed record UploadedImage(byte[] Data, string Url, int Width, int Height, string FileName);

/// <summary>
/// Checks what the browser uploads before anything keeps it: size in bytes, an image signature, the pixel count read
/// from the header (a 100-megapixel PNG can be a few kilobytes), then a full decode so a corrupt file is refused here and
/// not when the job runs.
/// </summary>
public static class ImageUploads
{
    /// <summary>Largest file the upload controls read.</summary>
    public const long MaxBytes = 50L * 1024 * 1024;

    /// <summary>4096 × 4096: far above any size the generator takes, far below what would exhaust memory when decoded.</summary>
    public const long MaxPixels = 4096L * 4096;

    /// <summary>Validates and stores the file; on failure returns the reason (in the UI's vocabulary) and stores nothing.</summary>
    public static (UploadedImage? Image, TextMessage? Error) Accept(byte[] data, string fileName, ScratchImageStore store)
    {
        if (data.Length == 0) return (null, new TextMessage("The file \"{0}\" is empty.", fileName));
        if (data.Length > MaxBytes)
            return (null, new TextMessage("The file \"{0}\" is larger than {1} MB.", fileName, MaxBytes / (1024 * 1024)));
        string type = ScratchImageStore.ContentTypeOf(data);
        if (type is not ("image/png" or "image/jpeg" or "image/webp" or "image/bmp"))
            return (null, new TextMessage("\"{0}\" is not a PNG, JPEG, WebP or BMP image.", fileName));

        IImageInfo? info;
        try
        {
            info = Image.Identify(data);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException or ImageFormatException)
        {
            info = null;
        }
        if (info is null) return (null, new TextMessage("\"{0}\" is corrupt or not an image.", fileName));
        long pixels = (long)info.Width * info.Height;
        if (pixels > MaxPixels)
            return (null, new TextMessage("\"{0}\" is {1}×{2} ({3:N1} megapixels); the limit is {4:N1} megapixels.",
                fileName, info.Width, info.Height, pixels / 1e6, MaxPixels / 1e6));

        try
        {
            using var decoded = ImageInput.Load(data, MaxPixels);
            return (new UploadedImage(data, store.Add(data, type), decoded.Width, decoded.Height, fileName), null);
        }
        catch (ImageInputException e)
        {
            return (null, new TextMessage("\"{0}\" cannot be read: {1}", fileName, e.Message));
        }
    }
}
