using System.Globalization;
using WebUI.Diffusion.Imaging;

namespace WebUI.History;

/// <summary>Turns a picture's file facts and infotext into its index record (the infotext is the truth).</summary>
public static class HistoryRecordFactory
{
    // What A1111's parser adds to every infotext; a parsed key is stored only when the text says something else.
    static readonly IReadOnlyDictionary<string, string> ParserDefaults = Infotext.Parse("").Parameters.ToDictionary(kv => kv.Key, kv => kv.Value);

    public static HistoryRecord Create(string path, ImageFileFacts facts, DateTime createdUtc, string? kind, string? user, string thumbnail)
    {
        var record = new HistoryRecord
        {
            Path = path,
            FileSize = facts.Size,
            FileTimeTicks = facts.ModifiedUtc.Ticks,
            CreatedUtc = ImageSaver.TruncateToMilliseconds(createdUtc.ToUniversalTime()),
            Format = facts.Format,
            Width = facts.Width,
            Height = facts.Height,
            Infotext = facts.Infotext ?? "",
            Thumbnail = thumbnail,
        };
        ApplyInfotext(record);
        record.Kind = kind ?? KindOf(path, record);
        if (!string.IsNullOrEmpty(user)) record.User = user;
        return record;
    }

    /// <summary>Fills the parsed fields (prompt, model, sampler, ..., words) from <see cref="HistoryRecord.Infotext"/>.</summary>
    public static void ApplyInfotext(HistoryRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.Infotext))
        {
            record.Parameters = [];
            return;
        }
        var parsed = Infotext.Parse(record.Infotext);
        var p = parsed.Parameters;
        record.Prompt = parsed.Prompt;
        record.NegativePrompt = parsed.NegativePrompt;
        record.Model = Text(p, "Model");
        record.ModelHash = Text(p, "Model hash");
        if (record.Model.Length == 0 && record.ModelHash.Length > 0) record.Model = record.ModelHash;
        record.Sampler = Text(p, "Sampler");
        record.Scheduler = Text(p, "Schedule type");
        record.Steps = int.TryParse(Text(p, "Steps"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int steps) ? steps : 0;
        record.CfgScale = double.TryParse(Text(p, "CFG scale"), NumberStyles.Float, CultureInfo.InvariantCulture, out double cfg) ? cfg : 0;
        record.Seed = long.TryParse(Text(p, "Seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long seed) ? seed : -1;
        record.User = Text(p, "User");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in p)
        {
            if (key is "Prompt" or "Negative prompt") continue;
            if (ParserDefaults.TryGetValue(key, out var d) && d == value) continue;
            parameters[key] = value;
        }
        record.Parameters = parameters;
    }

    /// <summary>A1111's folder names say what a picture is; for other folders the infotext decides.</summary>
    public static string KindOf(string path, HistoryRecord record)
    {
        string[] parts = path.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 2; i >= 0; i--)
        {
            string folder = parts[i].ToLowerInvariant();
            if (folder.EndsWith("-grids", StringComparison.Ordinal)) return ImageKinds.Grid;
            if (folder == "txt2img-images") return ImageKinds.Txt2Img;
            if (folder == "img2img-images") return ImageKinds.Img2Img;
            if (folder == "extras-images") return ImageKinds.Extras;
        }
        if (System.IO.Path.GetFileName(path).StartsWith("grid-", StringComparison.OrdinalIgnoreCase)) return ImageKinds.Grid;
        if (record.Infotext.Length == 0) return ImageKinds.Other;
        bool img2img = record.Parameters.ContainsKey("Denoising strength") && !record.Parameters.ContainsKey("Hires upscale")
                       && !record.Parameters.ContainsKey("Hires upscaler");
        return img2img ? ImageKinds.Img2Img : ImageKinds.Txt2Img;
    }

    static string Text(IReadOnlyDictionary<string, string> p, string key) => p.TryGetValue(key, out var v) ? v : "";

    public static CatalogRow ToRow(HistoryRecord r) =>
        new(r.Id, r.CreatedUtc.Ticks, r.Model, r.Sampler, r.Width, r.Height, r.User, r.Kind, r.Favourite, PromptWords.Of(r.Prompt), PromptWords.Of(r.NegativePrompt));
}
