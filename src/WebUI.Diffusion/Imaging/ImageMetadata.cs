namespace WebUI.Diffusion.Imaging;

/// <summary>
/// What A1111's <c>images.read_info_from_image</c> returns for a file: the generation parameters ("geninfo": the PNG
/// <c>parameters</c> text, overridden by a non-empty EXIF UserComment, else a GIF/JPEG comment, or NovelAI's fields
/// converted) and the remaining info items (PNG text chunks other than <c>parameters</c>, comments, XMP) in file order.
/// </summary>
public sealed record ImageMetadata(string Format, string? Parameters, IReadOnlyList<KeyValuePair<string, string>> Items);
