using System.Text.RegularExpressions;

namespace WebUI.Diffusion.Imaging;

public static partial class Infotext
{
    // The exact regexes of infotext_utils (re_param, re_imagesize).
    [GeneratedRegex(@"\s*(\w[\w \-/]+):\s*(""(?:\\.|[^\\""])+""|[^,]*)(?:,|$)")]
    private static partial Regex ParamRegex();

    [GeneratedRegex(@"^(\d+)x(\d+)$")]
    private static partial Regex ImageSizeRegex();

    static readonly InfotextVersion V160 = InfotextVersion.Of("v1.6.0");
    static readonly InfotextVersion V170Tsnr = InfotextVersion.Of("v1.7.0-225");
    static readonly InfotextVersion V180 = InfotextVersion.Of("1.8.0");
    static readonly InfotextVersion V180HrStyles = InfotextVersion.Of("1.8.0-139");

    /// <summary>
    /// Parses an infotext the way A1111 does: prompt / negative prompt lines, the parameter line (kept only when it has
    /// at least 3 "Key: value" matches), quoted values JSON-decoded, "WxH" values split into "Key-1"/"Key-2",
    /// then the defaults and back-compat keys A1111 adds. <paramref name="skipFields"/> = opts.infotext_skip_pasting.
    /// </summary>
    public static InfotextParseResult Parse(string text, IEnumerable<string>? skipFields = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var res = new OrderedMap<object>();
        string prompt = "", negative = "";
        bool doneWithPrompt = false;

        string[] all = text.Trim(PythonWhitespace).Split('\n');
        var lines = all[..^1].ToList();
        string lastLine = all[^1];
        if (ParamRegex().Matches(lastLine).Count < 3)
        {
            lines.Add(lastLine);
            lastLine = "";
        }

        foreach (string raw in lines)
        {
            string line = raw.Trim(PythonWhitespace);
            if (line.StartsWith("Negative prompt:", StringComparison.Ordinal))
            {
                doneWithPrompt = true;
                line = line[16..].Trim(PythonWhitespace);
            }
            if (doneWithPrompt) negative += (negative == "" ? "" : "\n") + line;
            else prompt += (prompt == "" ? "" : "\n") + line;
        }

        foreach (Match m in ParamRegex().Matches(lastLine))
        {
            string k = m.Groups[1].Value, v = m.Groups[2].Value;
            if (v.Length == 0) continue; // Python's v[0] raises IndexError; A1111 logs it and drops the key
            if (v[0] == '"' && v[^1] == '"') v = PythonText.TryJsonUnquote(v) ?? v;
            var size = ImageSizeRegex().Match(v);
            if (size.Success)
            {
                res[k + "-1"] = size.Groups[1].Value;
                res[k + "-2"] = size.Groups[2].Value;
            }
            else res[k] = v;
        }

        // Style extraction with no styles defined still normalizes the hires prompts (v1.8.0-139+ or no version).
        if (res.ContainsKey("Hires prompt") || res.ContainsKey("Hires negative prompt"))
        {
            var ver = InfotextVersion.Parse(res.TryGetValue("Version", out var vv) ? vv as string : null);
            if (ver is null || ver > V180HrStyles)
            {
                string hrPrompt = res.TryGetValue("Hires prompt", out var hp) ? (string)hp : prompt;
                string hrNegative = res.TryGetValue("Hires negative prompt", out var hn) ? (string)hn : negative;
                res["Hires prompt"] = hrPrompt == prompt ? "" : hrPrompt;
                res["Hires negative prompt"] = hrNegative == negative ? "" : hrNegative;
            }
        }

        res["Prompt"] = prompt;
        res["Negative prompt"] = negative;
        if (!res.ContainsKey("Clip skip")) res["Clip skip"] = "1";
        if (res.TryGetValue("Hypernet", out var hypernet))
        {
            string strength = res.TryGetValue("Hypernet strength", out var hs) ? PythonText.Str(hs) : "1.0";
            res["Prompt"] = (string)res["Prompt"] + $"<hypernet:{PythonText.Str(hypernet)}:{strength}>";
        }

        if (!res.ContainsKey("Hires resize-1")) { res["Hires resize-1"] = 0L; res["Hires resize-2"] = 0L; }
        AddDefault(res, "Hires sampler", "Use same sampler");
        AddDefault(res, "Hires schedule type", "Use same scheduler");
        AddDefault(res, "Hires checkpoint", "Use same checkpoint");
        AddDefault(res, "Hires prompt", "");
        AddDefault(res, "Hires negative prompt", "");
        AddDefault(res, "Mask mode", "Inpaint masked");
        AddDefault(res, "Masked content", "original");
        AddDefault(res, "Inpaint area", "Whole picture");
        AddDefault(res, "Masked area padding", 32L);
        RestoreOldHiresFixParams(res);
        AddDefault(res, "RNG", "GPU");
        AddDefault(res, "Schedule type", "Automatic");
        AddDefault(res, "Schedule max sigma", 0L);
        AddDefault(res, "Schedule min sigma", 0L);
        AddDefault(res, "Schedule rho", 0L);
        AddDefault(res, "VAE Encoder", "Full");
        AddDefault(res, "VAE Decoder", "Full");
        AddDefault(res, "FP8 weight", "Disable");
        if (!res.ContainsKey("Cache FP16 weight for LoRA") && !Equals(res["FP8 weight"], "Disable"))
            res["Cache FP16 weight for LoRA"] = false;
        if (!res.ContainsKey("Emphasis") && AttentionScan.UsesEmphasis(prompt, negative)) res["Emphasis"] = "Original";
        AddDefault(res, "Refiner switch by sampling steps", false);

        BackCompat(res);
        foreach (string key in skipFields ?? []) res.Remove(key);
        return new InfotextParseResult(res);
    }

    static void AddDefault(OrderedMap<object> res, string key, object value)
    {
        if (!res.ContainsKey(key)) res[key] = value;
    }

    /// <summary>Old "First pass size" infotexts: Size becomes the first pass, the old Size becomes "Hires resize".</summary>
    static void RestoreOldHiresFixParams(OrderedMap<object> res)
    {
        if (!res.TryGetValue("First pass size-1", out var fw) || !res.TryGetValue("First pass size-2", out var fh)) return;
        if (!TryInt(fw, out long firstW) || !TryInt(fh, out long firstH)) return;
        long width = 512, height = 512;
        if (res.TryGetValue("Size-1", out var sw) && !TryInt(sw, out width)) return;
        if (res.TryGetValue("Size-2", out var sh) && !TryInt(sh, out height)) return;
        if (firstW == 0 || firstH == 0)
        {
            if (width * height == 0) return; // Python would divide by zero here; leave the text as it is
            // processing.old_hires_fix_first_pass_dimensions: about 512x512 pixels, multiples of 64.
            double scale = Math.Sqrt(512.0 * 512.0 / (width * height));
            firstW = (long)Math.Ceiling(scale * width / 64) * 64;
            firstH = (long)Math.Ceiling(scale * height / 64) * 64;
        }
        res["Size-1"] = firstW;
        res["Size-2"] = firstH;
        res["Hires resize-1"] = width;
        res["Hires resize-2"] = height;
    }

    static bool TryInt(object value, out long result)
    {
        if (value is long l) { result = l; return true; }
        return long.TryParse(PythonText.Str(value).Trim(PythonWhitespace), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out result);
    }

    /// <summary>infotext_versions.backcompat (opts.auto_backcompat on): flags for images made by older versions.</summary>
    static void BackCompat(OrderedMap<object> res)
    {
        var ver = InfotextVersion.Parse(res.TryGetValue("Version", out var v) ? v as string : null);
        if (ver is null) return;
        string prompt = res.TryGetValue("Prompt", out var p) ? PythonText.Str(p) : "";
        string sampler = res.TryGetValue("Sampler", out var s) ? PythonText.Str(s) : "";
        if (ver < V160 && prompt.Contains('[')) res["Old prompt editing timelines"] = true;
        if (ver < V160 && sampler is "DDIM" or "PLMS") res["Pad conds v0"] = true;
        if (ver < V170Tsnr) res["Downcast alphas_cumprod"] = true;
        if (ver < V180 && res.TryGetValue("Refiner", out var refiner) && PythonText.Str(refiner).Length > 0)
            res["Refiner switch by sampling steps"] = true;
    }
}
