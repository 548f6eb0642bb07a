namespace WebUI.Diffusion.Models;

/// <summary>
/// What the engine needs from a CLIP tokenizer: ids without BOS/EOS and without truncation, plus the special ids.
/// The product implementation wraps <c>WebUI.Diffusion.Text.ClipTokenizer</c>; tests may supply their own.
/// </summary>
internal interface ITextTokenizer
{
    int[] Encode(string text);
    int BosId { get; }
    int EosId { get; }
    int PadId { get; }
    int ModelMaxLength { get; }
}
