using System.Security.Cryptography;

namespace WebUI.Diffusion.Models;

/// <summary>
/// A textual-inversion embedding (A1111's <c>Embedding</c>): the name is the file name without extension, and the
/// prompt triggers it by containing that name. <see cref="Parts"/> holds the vectors per text encoder: the key ""
/// for a single-encoder embedding (SD 1.x / 2.x: A1111's "string_to_param"/"emb_params" layouts and diffusers'
/// one-key "&lt;token&gt;" layout), "clip_l" and "clip_g" for SDXL.
/// </summary>
public sealed class TextualInversionEmbedding
{
    public const string SingleKey = "", ClipL = "clip_l", ClipG = "clip_g";

    readonly Lazy<string> _hash;

    internal TextualInversionEmbedding(string name, string filePath, int vectors, IReadOnlyDictionary<string, (int Width, float[] Data)> parts)
    {
        Name = name;
        FilePath = filePath;
        Vectors = vectors;
        Parts = parts;
        _hash = new(() =>
        {
            using var s = File.OpenRead(filePath);
            return Convert.ToHexStringLower(SHA256.HashData(s))[..12];
        });
    }

    public string Name { get; }
    public string FilePath { get; }
    /// <summary>How many token positions the embedding occupies in a prompt.</summary>
    public int Vectors { get; }
    /// <summary>Vectors per text encoder: width and data [Vectors × width], row-major.</summary>
    internal IReadOnlyDictionary<string, (int Width, float[] Data)> Parts { get; }
    /// <summary>A1111's <c>shorthash</c>: the first 12 hex digits of the file's SHA-256 (infotext "TI hashes").</summary>
    public string ShortHash => _hash.Value;
    /// <summary>The vector width per encoder key, e.g. {"": 768} or {"clip_l": 768, "clip_g": 1280}.</summary>
    public IReadOnlyDictionary<string, int> Widths => Parts.ToDictionary(p => p.Key, p => p.Value.Width);

    /// <summary>
    /// Parses an embedding from .safetensors tensors the way A1111's <c>create_embedding_from_data</c> reads its
    /// dict: "clip_l" + "clip_g" is SDXL; otherwise the file must hold exactly one tensor ("emb_params",
    /// "string_to_param.*" or a diffusers "&lt;token&gt;" key), a 1-D tensor being one vector.
    /// </summary>
    internal static TextualInversionEmbedding FromTensors(string name, string filePath, IReadOnlyList<SafetensorsTensor> tensors)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (byName.TryGetValue(ClipL, out var l) && byName.TryGetValue(ClipG, out var g))
        {
            var (lv, lw) = Matrix(l, filePath);
            var (gv, gw) = Matrix(g, filePath);
            if (lv != gv) throw new InvalidDataException($"{filePath}: clip_l has {lv} vectors but clip_g has {gv}.");
            return new TextualInversionEmbedding(name, filePath, gv, new Dictionary<string, (int, float[])>
            {
                [ClipL] = (lw, l.Values),
                [ClipG] = (gw, g.Values),
            });
        }
        SafetensorsTensor single = tensors.Count == 1 ? tensors[0]
            : tensors.SingleOrDefault(t => t.Name is "emb_params" || t.Name.StartsWith("string_to_param", StringComparison.Ordinal))
              ?? throw new InvalidDataException($"{filePath}: holds {tensors.Count} tensors ({string.Join(", ", tensors.Select(t => t.Name))}); an embedding file has one (or clip_l and clip_g for SDXL).");
        var (vectors, width) = Matrix(single, filePath);
        return new TextualInversionEmbedding(name, filePath, vectors, new Dictionary<string, (int, float[])> { [SingleKey] = (width, single.Values) });
    }

    static (int Vectors, int Width) Matrix(SafetensorsTensor t, string file) => t.Shape.Length switch
    {
        1 when t.Shape[0] > 0 => (1, (int)t.Shape[0]),
        2 when t.Shape[0] > 0 && t.Shape[1] > 0 => ((int)t.Shape[0], (int)t.Shape[1]),
        _ => throw new InvalidDataException($"{file}: tensor '{t.Name}' has shape [{string.Join(",", t.Shape)}]; expected [vectors, width]."),
    };
}

/// <summary>
/// The embeddings folder (A1111's <c>EmbeddingDatabase</c>): every .safetensors file below it, searched recursively,
/// re-read when a file changes. Files that cannot be used are listed in <see cref="Problems"/> with the reason
/// (pickled .pt/.bin embeddings are not loaded: unpickling is code execution; convert them to .safetensors).
/// When two files have the same name the later one in path order wins, as in A1111.
/// </summary>
public sealed class EmbeddingDatabase
{
    readonly Dictionary<string, (DateTime Stamp, long Size, TextualInversionEmbedding? Embedding, string? Problem)> _files = new(StringComparer.Ordinal);
    readonly Lock _lock = new();

    public EmbeddingDatabase(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    /// <summary>Usable embeddings by name (case-sensitive, like A1111's dict), after the last <see cref="Refresh"/>.</summary>
    public IReadOnlyDictionary<string, TextualInversionEmbedding> Embeddings { get; private set; } = new Dictionary<string, TextualInversionEmbedding>();

    /// <summary>Files that were skipped, with the reason.</summary>
    public IReadOnlyList<(string File, string Problem)> Problems { get; private set; } = [];

    /// <summary>Rescans the folder; unchanged files are not read again. Returns this.</summary>
    public EmbeddingDatabase Refresh()
    {
        lock (_lock)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var embeddings = new Dictionary<string, TextualInversionEmbedding>(StringComparer.Ordinal);
            var problems = new List<(string, string)>();
            if (System.IO.Directory.Exists(Directory))
            {
                var files = System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
                    .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".safetensors" or ".pt" or ".bin")
                    .Order(StringComparer.Ordinal);
                foreach (var file in files)
                {
                    seen.Add(file);
                    var info = new FileInfo(file);
                    if (!_files.TryGetValue(file, out var entry) || entry.Stamp != info.LastWriteTimeUtc || entry.Size != info.Length)
                    {
                        entry = Load(file, info);
                        _files[file] = entry;
                    }
                    if (entry.Embedding is { } e) embeddings[e.Name] = e;
                    else problems.Add((file, entry.Problem!));
                }
            }
            foreach (var gone in _files.Keys.Where(k => !seen.Contains(k)).ToList()) _files.Remove(gone);
            Embeddings = embeddings;
            Problems = problems;
            return this;
        }
    }

    static (DateTime, long, TextualInversionEmbedding?, string?) Load(string file, FileInfo info)
    {
        string name = Path.GetFileNameWithoutExtension(file);
        if (!file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            return (info.LastWriteTimeUtc, info.Length, null, "pickled embeddings (.pt/.bin) are not loaded; convert the file to .safetensors");
        try
        {
            var e = TextualInversionEmbedding.FromTensors(name, file, Safetensors.Read(file));
            return (info.LastWriteTimeUtc, info.Length, e, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return (info.LastWriteTimeUtc, info.Length, null, ex.Message);
        }
    }
}
