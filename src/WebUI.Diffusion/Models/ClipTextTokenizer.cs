using System.Text.Json;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Models;

/// <summary>The product tokenizer: CLIP BPE from the model's tokenizer/ folder.</summary>
internal sealed class ClipTextTokenizer(ClipTokenizer clip) : ITextTokenizer
{
    public ClipTokenizer Clip => clip;
    public int[] Encode(string text) => clip.Encode(text);
    public int BosId => clip.BosId;
    public int EosId => clip.EosId;
    public int PadId => clip.PadId;
    public int ModelMaxLength => clip.ModelMaxLength;

    /// <summary>Loads tokenizer/ and reports unreadable files as a <see cref="ModelFolderException"/>.</summary>
    public static ClipTextTokenizer FromFolder(string tokenizerDir)
    {
        try { return new ClipTextTokenizer(ClipTokenizer.FromFolder(tokenizerDir)); }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
        {
            throw new ModelFolderException(ModelFolder.Tokenizer, $"could not be read ({e.Message})", e);
        }
    }
}
