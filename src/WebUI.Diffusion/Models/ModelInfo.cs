namespace WebUI.Diffusion.Models;

/// <summary>
/// A checkpoint as the UI lists it. <paramref name="Family"/> is "sd1", "sd2", "sd2-v", "sdxl", ... (from the folder's
/// configs, see <see cref="ModelFolder"/>); <paramref name="Hash"/> is a short content hash for the infotext.
/// </summary>
public sealed record ModelInfo(string Name, string Path, string Family, string? Hash)
{
    /// <summary>A1111's checkpoint title: "name [hash]" (or just the name when no hash is known).</summary>
    public string Title => Hash is null ? Name : $"{Name} [{Hash}]";
}

/// <summary>A model folder is incomplete or broken. The message names the file and what is wrong with it.</summary>
public class ModelFolderException : Exception
{
    public ModelFolderException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The offending file or part, relative to the model folder (e.g. "unet/model.onnx").</summary>
    public string File { get; }
    public string Problem { get; }
}

/// <summary>No checkpoint with that name (or folder path) exists.</summary>
public class ModelNotFoundException(string nameOrPath, string? detail = null)
    : Exception(detail is null ? $"Model not found: {nameOrPath}" : $"Model not found: {nameOrPath} ({detail})")
{
    public string NameOrPath { get; } = nameOrPath;
}
