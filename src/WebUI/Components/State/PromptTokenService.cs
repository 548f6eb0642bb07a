using System.Collections.Concurrent;
using WebUI.Diffusion.Text;
using WebUI.Hosting;

namespace WebUI.Components.State;

/// <summary>The "23/75" counter next to a prompt box.</summary>
public interface IPromptTokenCounter
{
    /// <summary>
    /// A1111's count for <paramref name="prompt"/> with the checkpoint's own tokenizer (AND parts, prompt-editing
    /// schedules and 75-token chunks as the UI counts them); null when the checkpoint has no readable tokenizer.
    /// </summary>
    (int Used, int Max)? Count(string model, string prompt, int steps, bool isNegative);
}

/// <summary>
/// Reads <c>tokenizer/</c> of the checkpoint folder (under models/Stable-diffusion, or a folder path) once and keeps it:
/// counting runs on every keystroke, loading the BPE tables takes a while.
/// </summary>
public sealed class PromptTokenService(WebUIPaths paths, ILogger<PromptTokenService> logger) : IPromptTokenCounter
{
    readonly ConcurrentDictionary<string, Lazy<ClipTokenizer?>> _tokenizers = new(StringComparer.Ordinal);

    public (int Used, int Max)? Count(string model, string prompt, int steps, bool isNegative)
    {
        if (string.IsNullOrWhiteSpace(model)) return null;
        var tokenizer = _tokenizers.GetOrAdd(TokenizerDir(model), dir => new Lazy<ClipTokenizer?>(() => Load(dir))).Value;
        if (tokenizer is null) return null;
        try
        {
            return PromptTokenCounter.Count(tokenizer, prompt ?? "", steps, isNegative);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            // A prompt the schedule grammar rejects still generates (A1111 falls back to the literal text); count nothing.
            logger.LogDebug(e, "Token count failed");
            return null;
        }
    }

    /// <summary>Forget loaded tokenizers (the checkpoint list was refreshed; a folder may have changed).</summary>
    public void Reset() => _tokenizers.Clear();

    string TokenizerDir(string model)
    {
        string folder = Path.GetFullPath(Path.IsPathRooted(model) ? model : Path.Combine(paths.CheckpointsDir, model));
        return Path.Combine(folder, "tokenizer");
    }

    ClipTokenizer? Load(string dir)
    {
        if (!Directory.Exists(dir)) return null;
        try
        {
            return ClipTokenizer.FromFolder(dir);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException or FormatException)
        {
            logger.LogWarning("Cannot read tokenizer in {Dir}: {Message}", dir, e.Message);
            return null;
        }
    }
}
