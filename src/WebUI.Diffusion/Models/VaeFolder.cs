using System.Security.Cryptography;
using System.Text.Json;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A separate VAE: <c>&lt;models&gt;/VAE/&lt;name&gt;/vae_decoder/model.onnx</c> (required) and <c>vae_encoder/model.onnx</c>
/// (optional; without it the checkpoint's own encoder stays in use). Chosen per request (Vae) or by the sd_vae
/// setting; recorded in the infotext as "VAE" (the folder name) and "VAE hash".
/// </summary>
public sealed class VaeFolder
{
    VaeFolder(string name, string path)
    {
        Name = name;
        Path = path;
    }

    public string Name { get; }
    public string Path { get; }
    public bool HasEncoder => File.Exists(PartFile(ModelFolder.VaeEncoder));
    /// <summary>vae_decoder/config.json sample_size (the tile size for tiled decoding), when given.</summary>
    public int? SampleSize { get; private set; }

    public string PartFile(string part) => System.IO.Path.Combine(Path, part, "model.onnx");

    /// <summary>True when <paramref name="dir"/> holds vae_decoder/model.onnx.</summary>
    public static bool LooksLikeVae(string dir) => File.Exists(System.IO.Path.Combine(dir, ModelFolder.VaeDecoder, "model.onnx"));

    /// <summary>The separate VAEs under <paramref name="vaeDir"/> (one level of folders), sorted by name.</summary>
    public static IReadOnlyList<VaeFolder> List(string vaeDir)
    {
        if (!Directory.Exists(vaeDir)) return [];
        return Directory.EnumerateDirectories(vaeDir).Where(LooksLikeVae)
            .Select(d => Open(System.IO.Path.GetFileName(d), d))
            .OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Finds a VAE by folder name (case-insensitive). Throws <see cref="ArgumentException"/> naming the choices.</summary>
    public static VaeFolder Find(string vaeDir, string name)
    {
        var all = List(vaeDir);
        return all.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"VAE not found: {name} (available: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(v => v.Name)))}; use \"Automatic\" for the model's own).");
    }

    static VaeFolder Open(string name, string dir)
    {
        var v = new VaeFolder(name, System.IO.Path.GetFullPath(dir));
        string config = System.IO.Path.Combine(dir, ModelFolder.VaeDecoder, "config.json");
        try
        {
            if (File.Exists(config))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(config));
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sample_size", out var s)
                    && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out int size) && size > 0)
                    v.SampleSize = size;
            }
        }
        catch (JsonException e) { throw new ModelFolderException($"VAE/{name}/{ModelFolder.VaeDecoder}/config.json", $"not valid JSON ({e.Message})", e); }
        return v;
    }

    string? _hash;

    /// <summary>10 hex digits over the decoder's files (sizes plus first and last MiB, as the checkpoint hash does).</summary>
    public string Hash => _hash ??= ComputeHash();

    string ComputeHash()
        => PartHash.Of(System.IO.Path.Combine(Path, ModelFolder.VaeDecoder));
}
