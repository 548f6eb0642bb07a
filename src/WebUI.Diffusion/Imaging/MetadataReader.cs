using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace WebUI.Diffusion.Imaging;

/// <summary>
/// Reads embedded text from PNG, JPEG, WebP and GIF containers by walking their chunks/segments, without decoding
/// pixels (so a hostile image costs nothing but a bounded scan). Mirrors what PIL puts into <c>image.info</c>.
/// </summary>
internal static class MetadataReader
{
    /// <summary>PIL's MAX_TEXT_CHUNK: a compressed text chunk that inflates past this is ignored (zip-bomb guard).</summary>
    const int MaxTextChunk = 1024 * 1024;

    // images.IGNORED_INFO_KEYS: PIL info entries A1111 drops from the png-info items.
    static readonly HashSet<string> IgnoredInfoKeys =
    [
        "jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "exif", "loop", "background", "timestamp",
        "duration", "progressive", "progression", "icc_profile", "chromaticity", "photoshop",
    ];

    public static ImageMetadata Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var info = new OrderedMap<string>();
        byte[]? exif = null;
        int width = 0, height = 0;
        string format = ImageFormats.Detect(bytes);
        switch (format)
        {
            case "PNG": ReadPng(bytes, info, ref exif, out width, out height); break;
            case "JPEG": ReadJpeg(bytes, info, ref exif); break;
            case "WEBP": ReadWebp(bytes, info, ref exif); break;
            case "GIF": ReadGif(bytes, info); break;
            case "BMP": break;
            default:
                throw new ImageInputException(
                    bytes.Length == 0 ? "The image is empty (0 bytes)."
                    : format == "" ? "The data is not a PNG, JPEG, WebP or GIF image (unrecognized file signature)."
                    : $"{format} files are not supported here (expected PNG, JPEG, WebP or GIF).");
        }

        string? geninfo = info.TryGetValue("parameters", out var p) ? p : null;
        info.Remove("parameters");
        if (exif is not null)
        {
            string? comment = ExifUserComment.Read(exif);
            if (!string.IsNullOrEmpty(comment)) geninfo = comment;
        }
        else if (info.TryGetValue("comment", out var c)) geninfo = c;

        foreach (var key in IgnoredInfoKeys) info.Remove(key);

        if (info.TryGetValue("Software", out var software) && software == "NovelAI")
            geninfo = NovelAiInfotext(info, width, height) ?? geninfo;

        return new ImageMetadata(format, geninfo, info.ToList());
    }

    static void ReadPng(byte[] b, OrderedMap<string> info, ref byte[]? exif, out int width, out int height)
    {
        width = height = 0;
        int pos = 8;
        while (pos + 8 <= b.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(pos));
            string type = Encoding.ASCII.GetString(b, pos + 4, 4);
            if (length > int.MaxValue || pos + 12L + length > b.Length) break; // truncated: keep what was read
            var data = b.AsSpan(pos + 8, (int)length);
            pos += 12 + (int)length;
            switch (type)
            {
                case "IHDR" when data.Length >= 8:
                    width = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(data));
                    height = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
                    break;
                case "tEXt": ReadTExt(data, info); break;
                case "zTXt": ReadZTxt(data, info); break;
                case "iTXt": ReadITxt(data, info); break;
                case "eXIf": exif ??= data.ToArray(); break;
                case "IEND": return;
            }
        }
    }

    static void ReadTExt(ReadOnlySpan<byte> data, OrderedMap<string> info)
    {
        int nul = data.IndexOf((byte)0);
        var key = nul < 0 ? data : data[..nul];
        var value = nul < 0 ? [] : data[(nul + 1)..];
        info[Encoding.Latin1.GetString(key)] = Encoding.Latin1.GetString(value);
    }

    static void ReadZTxt(ReadOnlySpan<byte> data, OrderedMap<string> info)
    {
        int nul = data.IndexOf((byte)0);
        var key = nul < 0 ? data : data[..nul];
        var rest = nul < 0 ? [] : data[(nul + 1)..];
        if (rest.Length > 0 && rest[0] != 0) return; // unknown compression method
        byte[]? value = rest.Length == 0 ? [] : Inflate(rest[1..]);
        if (value is null) return;
        info[Encoding.Latin1.GetString(key)] = Encoding.Latin1.GetString(value);
    }

    static void ReadITxt(ReadOnlySpan<byte> data, OrderedMap<string> info)
    {
        int nul = data.IndexOf((byte)0);
        if (nul < 0 || data.Length < nul + 3) return;
        var key = data[..nul];
        byte compressed = data[nul + 1], method = data[nul + 2];
        var rest = data[(nul + 3)..];
        int langEnd = rest.IndexOf((byte)0);
        if (langEnd < 0) return;
        var afterLang = rest[(langEnd + 1)..];
        int tkEnd = afterLang.IndexOf((byte)0);
        if (tkEnd < 0) return;
        var text = afterLang[(tkEnd + 1)..];
        byte[]? value = text.ToArray();
        if (compressed != 0)
        {
            if (method != 0) return;
            value = Inflate(text);
            if (value is null) return;
        }
        try
        {
            var strict = new UTF8Encoding(false, true);
            info[Encoding.Latin1.GetString(key)] = strict.GetString(value);
        }
        catch (DecoderFallbackException) { /* PIL skips iTXt chunks that are not valid UTF-8 */ }
    }

    static byte[]? Inflate(ReadOnlySpan<byte> compressed)
    {
        try
        {
            using var input = new MemoryStream(compressed.ToArray());
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            var output = new MemoryStream();
            var buffer = new byte[16384];
            int n;
            while ((n = z.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > MaxTextChunk) return null;
            }
            return output.ToArray();
        }
        catch (InvalidDataException) { return null; }
    }

    static void ReadJpeg(byte[] b, OrderedMap<string> info, ref byte[]? exif)
    {
        foreach (var (marker, start, length) in JpegSegments.Walk(b))
        {
            var data = b.AsSpan(start, length);
            if (marker == 0xE1 && data.StartsWith("Exif\0\0"u8)) exif ??= data.ToArray();
            else if (marker == 0xFE) info["comment"] = ExifUserComment.LenientUtf8(data);
        }
    }

    static void ReadWebp(byte[] b, OrderedMap<string> info, ref byte[]? exif)
    {
        foreach (var (fourCc, start, length) in WebpChunks.Walk(b))
        {
            if (fourCc == "EXIF") exif ??= b.AsSpan(start, length).ToArray();
            else if (fourCc == "XMP ") info["xmp"] = ExifUserComment.LenientUtf8(b.AsSpan(start, length));
        }
    }

    /// <summary>GIF comment extensions before the first image (what PIL reports as info["comment"]).</summary>
    static void ReadGif(byte[] b, OrderedMap<string> info)
    {
        if (b.Length < 13) return;
        int pos = 13;
        byte flags = b[10];
        if ((flags & 0x80) != 0) pos += 3 * (1 << ((flags & 7) + 1));
        var comments = new List<byte[]>();
        while (pos < b.Length)
        {
            byte block = b[pos++];
            if (block != 0x21 || pos >= b.Length) break; // image descriptor, trailer or garbage: stop
            byte label = b[pos++];
            var body = new MemoryStream();
            while (pos < b.Length)
            {
                int size = b[pos++];
                if (size == 0) break;
                if (pos + size > b.Length) return;
                body.Write(b, pos, size);
                pos += size;
            }
            if (label == 0xFE) comments.Add(body.ToArray());
        }
        if (comments.Count > 0)
            info["comment"] = string.Join("\n", comments.Select(c => ExifUserComment.LenientUtf8(c)));
    }

    // sd_samplers.samplers_map: lower-cased names and aliases → sampler name, for NovelAI's "sampler" field.
    static readonly Dictionary<string, string> SamplerAliases = new(StringComparer.Ordinal)
    {
        ["dpm++ 2m"] = "DPM++ 2M", ["k_dpmpp_2m"] = "DPM++ 2M", ["dpm++ sde"] = "DPM++ SDE", ["k_dpmpp_sde"] = "DPM++ SDE",
        ["dpm++ 2m sde"] = "DPM++ 2M SDE", ["k_dpmpp_2m_sde"] = "DPM++ 2M SDE",
        ["dpm++ 2m sde heun"] = "DPM++ 2M SDE Heun", ["k_dpmpp_2m_sde_heun"] = "DPM++ 2M SDE Heun",
        ["dpm++ 2s a"] = "DPM++ 2S a", ["k_dpmpp_2s_a"] = "DPM++ 2S a", ["dpm++ 3m sde"] = "DPM++ 3M SDE",
        ["k_dpmpp_3m_sde"] = "DPM++ 3M SDE", ["euler a"] = "Euler a", ["k_euler_a"] = "Euler a",
        ["k_euler_ancestral"] = "Euler a", ["euler"] = "Euler", ["k_euler"] = "Euler", ["lms"] = "LMS", ["k_lms"] = "LMS",
        ["heun"] = "Heun", ["k_heun"] = "Heun", ["dpm2"] = "DPM2", ["k_dpm_2"] = "DPM2", ["dpm2 a"] = "DPM2 a",
        ["k_dpm_2_a"] = "DPM2 a", ["dpm fast"] = "DPM fast", ["k_dpm_fast"] = "DPM fast", ["dpm adaptive"] = "DPM adaptive",
        ["k_dpm_ad"] = "DPM adaptive", ["restart"] = "Restart", ["ddim"] = "DDIM", ["ddim cfg++"] = "DDIM CFG++",
        ["ddim_cfgpp"] = "DDIM CFG++", ["plms"] = "PLMS", ["unipc"] = "UniPC", ["lcm"] = "LCM", ["k_lcm"] = "LCM",
    };

    /// <summary>A1111's conversion of NovelAI PNGs (Description + JSON Comment) into an infotext; null when malformed.</summary>
    static string? NovelAiInfotext(OrderedMap<string> info, int width, int height)
    {
        try
        {
            if (!info.TryGetValue("Comment", out var comment) || !info.TryGetValue("Description", out var description)) return null;
            using var doc = JsonDocument.Parse(comment);
            var j = doc.RootElement;
            string samplerKey = j.GetProperty("sampler").GetString() ?? "";
            string sampler = SamplerAliases.TryGetValue(samplerKey, out var s) ? s : "Euler a";
            return $"{description}\nNegative prompt: {PyJson(j.GetProperty("uc"))}\n" +
                   $"Steps: {PyJson(j.GetProperty("steps"))}, Sampler: {sampler}, CFG scale: {PyJson(j.GetProperty("scale"))}, " +
                   $"Seed: {PyJson(j.GetProperty("seed"))}, Size: {width}x{height}, Clip skip: 2, ENSD: 31337";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Python str() of a json.loads value (ints stay ints, floats print as Python floats).</summary>
    static string PyJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Number when e.GetRawText().IndexOfAny(['.', 'e', 'E']) < 0 => e.GetRawText().TrimStart('+'),
        JsonValueKind.Number => PythonText.Float(e.GetDouble()),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => e.GetRawText(),
    };
}
