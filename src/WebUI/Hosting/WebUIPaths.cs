namespace WebUI.Hosting;

/// <summary>
/// Absolute locations inside the data directory, laid out as A1111 does:
/// <c>models/Stable-diffusion/&lt;name&gt;/</c> and <c>outputs/txt2img-images/YYYY-MM-DD/</c>.
/// </summary>
public sealed record WebUIPaths(string DataDir, string ModelsDir, string OutputsDir)
{
    public string CheckpointsDir => Path.Combine(ModelsDir, "Stable-diffusion");
    public string DemoModelDir => Path.Combine(CheckpointsDir, DemoModelBootstrap.DemoName);
    public string Txt2ImgDir => Path.Combine(OutputsDir, "txt2img-images");
    public string Img2ImgDir => Path.Combine(OutputsDir, "img2img-images");

    /// <summary>A1111 keeps the last job's infotext here (the "paste" button reads it when the prompt is empty).</summary>
    public string ParamsFile => Path.Combine(DataDir, "params.txt");

    public static WebUIPaths From(WebUISettings settings, string? currentDirectory = null)
    {
        string cwd = currentDirectory ?? Directory.GetCurrentDirectory();
        string data = Path.GetFullPath(Path.Combine(cwd, Require(settings.DataDir, "DataDir")));
        return new WebUIPaths(
            data,
            Path.GetFullPath(Path.Combine(data, Require(settings.ModelsDir, "ModelsDir"))),
            Path.GetFullPath(Path.Combine(data, Require(settings.OutputsDir, "OutputsDir"))));
    }

    static string Require(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"Setting WebUI:{name} must not be empty.") : value;
}
