using System.Text.Json;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>The product tokenizer: CLIP BPE from a model's tokenizer/ (or tokenizer_2/) folder.</summary>
internal static class ClipTextTokenizer
{
    /// <summary>Loads a tokenizer folder and reports unreadable files as a <see cref="ModelFolderException"/> naming it.</summary>
    public static ClipTokenizer FromFolder(string tokenizerDir)
    {
        try { return ClipTokenizer.FromFolder(tokenizerDir); }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
        {
            throw new ModelFolderException(Path.GetFileName(Path.TrimEndingDirectorySeparator(tokenizerDir)), $"could not be read ({e.Message})", e);
        }
    }
}
