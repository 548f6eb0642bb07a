using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using WebUI.Diffusion.Imaging;

namespace WebUI.History;

/// <summary>
/// What A1111's FilenameGenerator knows about one image (its <c>p</c>, seed, prompt and image): the values the
/// <c>[tags]</c> of a file or folder name pattern are replaced with. Null means "unknown": such tags stay literal,
/// as they do in A1111 when the value is None.
/// </summary>
public sealed record FileNameContext
{
    public long? Seed { get; init; }
    /// <summary>All seeds of the job (p.all_seeds), for [seed_first] and [seed_last].</summary>
    public IReadOnlyList<long> AllSeeds { get; init; } = [];
    public int BatchSize { get; init; } = 1;
    /// <summary>Batch count (p.n_iter).</summary>
    public int BatchCount { get; init; } = 1;
    /// <summary>0-based batch (p.iteration) and position in it (p.batch_index).</summary>
    public int Iteration { get; init; }
    public int BatchIndex { get; init; }
    public int? Steps { get; init; }
    public double? CfgScale { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public string? SamplerName { get; init; }
    /// <summary>The schedule label as the infotext writes it ("Karras"); "Automatic" when unresolved.</summary>
    public string? ScheduleLabel { get; init; }
    public string? ModelName { get; init; }
    public string? ModelHash { get; init; }
    public string Prompt { get; init; } = "";
    public string NegativePrompt { get; init; } = "";
    /// <summary>img2img's denoising strength; null for txt2img ([denoising] then drops itself and the text before it).</summary>
    public double? DenoisingStrength { get; init; }
    public string? User { get; init; }
    public int ClipSkip { get; init; } = 1;
    /// <summary>The VAE file name; null = none loaded ("NONE").</summary>
    public string? VaeFilename { get; init; }
    /// <summary>Local time of the save ([date], [datetime]).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.Now;
    /// <summary>Local time the job started ([job_timestamp]).</summary>
    public DateTimeOffset JobStarted { get; init; } = DateTimeOffset.Now;
    /// <summary>The basename of the save call ("grid" for grids), for [basename].</summary>
    public string Basename { get; init; } = "";
    /// <summary>Raw RGB bytes of the image for [image_hash] (computed only when the pattern asks).</summary>
    public Func<byte[]>? ImageBytes { get; init; }
}

/// <summary>
/// A1111's file/folder name patterns (modules/images.py FilenameGenerator.apply): <c>[name]</c> or
/// <c>[name&lt;arg&gt;...]</c> tags, case-insensitive, replaced by sanitized values; unknown tags are kept literally;
/// tags that do not apply (e.g. [batch_number] with batch size 1) also drop the literal text just before them.
/// </summary>
public sealed partial class FileNamePattern(int maxPartLength = 128, int maxPromptWords = 8)
{
    /// <summary>images.invalid_filename_chars (without --unix-filenames-sanitization).</summary>
    const string InvalidChars = "#<>:\"/\\|?*\n\r\t";
    const string PythonPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    static readonly object SkipPreviousText = new();

    [GeneratedRegex(@"(.*?)(?:\[([^\[\]]+)\]|$)", RegexOptions.Singleline)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"^(.*)<([^>]*)>$", RegexOptions.Singleline)]
    private static partial Regex ArgRegex();

    [GeneratedRegex(@"[\s!""#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]+")]
    private static partial Regex NonLettersRegex();

    /// <summary>Substitutes every tag of <paramref name="pattern"/> for this image.</summary>
    public string Apply(string pattern, FileNameContext context)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(context);
        var result = new StringBuilder();
        foreach (Match m in TagRegex().Matches(pattern))
        {
            string text = m.Groups[1].Value;
            if (!m.Groups[2].Success)
            {
                result.Append(text);
                continue;
            }
            string tag = m.Groups[2].Value;
            var args = new List<string>();
            for (Match a = ArgRegex().Match(tag); a.Success; a = ArgRegex().Match(tag))
            {
                tag = a.Groups[1].Value;
                args.Insert(0, a.Groups[2].Value);
            }
            object? replacement = Replace(tag.ToLowerInvariant(), args, context, out bool known);
            if (known && ReferenceEquals(replacement, SkipPreviousText)) continue;
            if (known && replacement is not null)
            {
                result.Append(text).Append(replacement as string ?? Convert.ToString(replacement, CultureInfo.InvariantCulture));
                continue;
            }
            result.Append(text).Append('[').Append(tag).Append(']');
        }
        return result.ToString();
    }

    /// <summary>images.sanitize_filename_part.</summary>
    public string Sanitize(string? text, bool replaceSpaces = true)
    {
        if (text is null) return "";
        if (replaceSpaces) text = text.Replace(' ', '_');
        var sb = new StringBuilder(text.Length);
        foreach (char c in text) sb.Append(InvalidChars.Contains(c) ? '_' : c);
        string s = sb.ToString().TrimStart(' ');
        if (s.Length > maxPartLength) s = s[..maxPartLength];
        return s.TrimEnd(' ', '.');
    }

    object? Replace(string tag, List<string> args, FileNameContext c, out bool known)
    {
        known = true;
        switch (tag)
        {
            case "basename": return c.Basename.Length > 0 ? c.Basename : "img";
            case "seed": return c.Seed is long s ? Int(s) : "";
            case "seed_first": return c.BatchSize == 1 || c.AllSeeds.Count == 0 ? Nullable(c.Seed) : Int(c.AllSeeds[0]);
            case "seed_last": return c.BatchSize == 1 ? SkipPreviousText : c.AllSeeds.Count == 0 ? null : Int(c.AllSeeds[^1]);
            case "steps": return c.Steps is int steps ? Int(steps) : null;
            case "cfg": return c.CfgScale is double cfg ? Number(cfg) : null;
            case "width": return Int(c.Width);
            case "height": return Int(c.Height);
            case "styles": return Sanitize("None", replaceSpaces: false); // no prompt styles are applied by this app
            case "sampler": return c.SamplerName is null ? null : Sanitize(c.SamplerName, replaceSpaces: false);
            case "sampler_scheduler":
                return c.SamplerName is null ? SkipPreviousText : Sanitize($"{c.SamplerName} {SchedulerText(c)}", replaceSpaces: false);
            case "scheduler": return c.SamplerName is null ? SkipPreviousText : Sanitize(SchedulerText(c), replaceSpaces: false);
            case "model_hash": return c.ModelHash;
            case "model_name": return c.ModelName is null ? null : Sanitize(c.ModelName, replaceSpaces: false);
            case "date": return c.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "datetime": return Sanitize(DateTimeText(c.Now, args), replaceSpaces: false);
            case "job_timestamp": return c.JobStarted.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            case "prompt_hash": return Hash(c.Prompt, args);
            case "negative_prompt_hash": return Hash(c.NegativePrompt, args);
            case "full_prompt_hash": return Hash($"{c.Prompt} {c.NegativePrompt}", args);
            case "prompt": return Sanitize(c.Prompt);
            case "prompt_no_styles": return Sanitize(c.Prompt, replaceSpaces: false);
            case "prompt_spaces": return Sanitize(c.Prompt, replaceSpaces: false);
            case "prompt_words": return PromptWords(c.Prompt);
            case "batch_number": return c.BatchSize == 1 ? SkipPreviousText : Int(c.BatchIndex + 1);
            case "batch_size": return Int(c.BatchSize);
            case "generation_number":
                return c.BatchCount == 1 && c.BatchSize == 1 ? SkipPreviousText : Int(c.Iteration * c.BatchSize + c.BatchIndex + 1);
            case "hasprompt": return HasPrompt(c.Prompt, args);
            case "clip_skip": return Int(c.ClipSkip);
            case "denoising": return c.DenoisingStrength is double d && d != 0 ? Number(d) : SkipPreviousText;
            case "user": return c.User;
            case "vae_filename": return c.VaeFilename ?? "NONE";
            case "none": return "";
            case "image_hash": return ImageHash(c, args);
            default:
                known = false;
                return null;
        }
    }

    static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
    static string? Nullable(long? v) => v is long x ? Int(x) : null;

    /// <summary>Numbers as the UI hands them to A1111: whole slider values are ints ("7"), others floats ("7.5").</summary>
    static string Number(double v) => double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 1e15 ? Int((long)v) : PythonText.Float(v);

    /// <summary>get_scheduler_str: the schedule label, Python-capitalized ("Karras", "Sgm uniform").</summary>
    static string SchedulerText(FileNameContext c)
    {
        string label = string.IsNullOrEmpty(c.ScheduleLabel) ? "Automatic" : c.ScheduleLabel;
        return char.ToUpperInvariant(label[0]) + label[1..].ToLowerInvariant();
    }

    string PromptWords(string prompt)
    {
        var words = NonLettersRegex().Split(prompt).Where(w => w.Length > 0).ToList();
        if (words.Count == 0) words = ["empty"];
        return Sanitize(string.Join(' ', words.Take(maxPromptWords)), replaceSpaces: false);
    }

    string HasPrompt(string prompt, List<string> args)
    {
        string lower = prompt.ToLowerInvariant();
        var result = new StringBuilder();
        foreach (string arg in args)
        {
            if (arg.Length == 0) continue;
            string[] division = arg.Split('|');
            string expected = division[0].ToLowerInvariant();
            string fallback = division.Length > 1 ? division[1] : "";
            if (lower.Contains(expected, StringComparison.Ordinal)) result.Append(expected);
            else if (fallback.Length > 0) result.Append(fallback);
        }
        return Sanitize(result.ToString());
    }

    static string Hash(string text, List<string> args)
    {
        string hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        int length = args.Count > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 8;
        return hex[..Math.Min(length, hex.Length)];
    }

    static string? ImageHash(FileNameContext c, List<string> args)
    {
        if (c.ImageBytes is null) return null;
        string hex = Convert.ToHexStringLower(SHA256.HashData(c.ImageBytes()));
        int length = args.Count > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : hex.Length;
        return hex[..Math.Min(length, hex.Length)];
    }

    /// <summary>[datetime], [datetime&lt;format&gt;], [datetime&lt;format&gt;&lt;time zone&gt;]: strftime, default %Y%m%d%H%M%S.</summary>
    static string DateTimeText(DateTimeOffset now, List<string> args)
    {
        string format = args.Count > 0 && args[0].Length > 0 ? args[0] : "%Y%m%d%H%M%S";
        DateTimeOffset time = now;
        if (args.Count > 1)
        {
            try
            {
                time = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(args[1]));
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // A1111 falls back to local time for an unknown zone.
            }
        }
        return PythonStrftime.Format(time, format) ?? PythonStrftime.Format(time, "%Y%m%d%H%M%S")!;
    }
}
