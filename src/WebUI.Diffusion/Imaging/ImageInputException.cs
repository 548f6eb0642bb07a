namespace WebUI.Diffusion.Imaging;

/// <summary>
/// An uploaded or read image that cannot be used: unknown format, over the pixel limit, corrupt data.
/// The message says what is wrong in words a user can act on (the host turns it into an HTTP 4xx / CLI error);
/// it derives from <see cref="ArgumentException"/> because the image is a bad argument of the request.
/// </summary>
public sealed class ImageInputException : ArgumentException
{
    public ImageInputException(string message) : base(message) { }
    public ImageInputException(string message, Exception inner) : base(message, inner) { }
}
