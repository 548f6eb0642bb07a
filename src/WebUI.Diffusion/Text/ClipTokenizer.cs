using System.Text;
using System.Text.Json;

namespace WebUI.Diffusion.Text;

/// <summary>
/// OpenAI CLIP's BPE tokenizer (the one SD 1.x, SD 2.x and both SDXL text encoders use), reading a diffusers
/// <c>tokenizer/</c> folder: <c>vocab.json</c>, <c>merges.txt</c> and, when present, <c>special_tokens_map.json</c> /
/// <c>tokenizer_config.json</c> for the BOS/EOS/pad tokens and the model length. <see cref="Encode"/> returns
/// exactly the ids of CLIP's <c>SimpleTokenizer.encode</c> (no BOS/EOS, no truncation). Thread-safe.
/// </summary>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's merges.txt holds this many merges after the header; both reference tokenizers cut there.</summary>
    const int ClipMergeCount = 49152 - 256 - 2;

    readonly Dictionary<string, int> _vocab;
    readonly string?[] _idToToken;
    readonly ClipBpe _bpe;

    ClipTokenizer(Dictionary<string, int> vocab, string?[] idToToken, ClipBpe bpe, SpecialTokens special)
    {
        _vocab = vocab;
        _idToToken = idToToken;
        _bpe = bpe;
        BosId = special.Bos;
        EosId = special.Eos;
        PadId = special.Pad;
        ModelMaxLength = special.MaxLength;
    }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (49406 for CLIP).</summary>
    public int BosId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (49407 for CLIP).</summary>
    public int EosId { get; }

    /// <summary>Id that fills a sequence after its first EOS: EOS itself for SD 1.x, "!" (0) for SD 2.x and
    /// SDXL's second tokenizer.</summary>
    public int PadId { get; }

    /// <summary>Sequence length the text encoder takes (77).</summary>
    public int ModelMaxLength { get; }

    /// <summary>Number of vocabulary entries (49408 for CLIP).</summary>
    public int VocabularySize => _vocab.Count;

    /// <summary>Loads a diffusers tokenizer folder (vocab.json + merges.txt, optional special-token files).</summary>
    public static ClipTokenizer FromFolder(string tokenizerDir)
    {
        if (!Directory.Exists(tokenizerDir))
            throw new DirectoryNotFoundException($"Tokenizer folder not found: {tokenizerDir}");
        string Optional(string name)
        {
            var path = Path.Combine(tokenizerDir, name);
            return File.Exists(path) ? path : "";
        }
        return FromFiles(Path.Combine(tokenizerDir, "vocab.json"), Path.Combine(tokenizerDir, "merges.txt"),
            Optional("special_tokens_map.json") is { Length: > 0 } map ? map : null,
            Optional("tokenizer_config.json") is { Length: > 0 } cfg ? cfg : null);
    }

    /// <summary>Loads from explicit files; without special-token files it uses CLIP's defaults
    /// (BOS <c>&lt;|startoftext|&gt;</c>, EOS and pad <c>&lt;|endoftext|&gt;</c>, length 77).</summary>
    public static ClipTokenizer FromFiles(string vocabJsonPath, string mergesPath,
        string? specialTokensMapPath = null, string? tokenizerConfigPath = null)
    {
        var (vocab, idToToken) = ReadVocab(vocabJsonPath);
        var bpe = ReadMerges(mergesPath, vocab);
        var special = SpecialTokens.Read(vocab, specialTokensMapPath, tokenizerConfigPath);
        return new ClipTokenizer(vocab, idToToken, bpe, special);
    }

    /// <summary>CLIP's ids for <paramref name="text"/>: cleaned (HTML-unescaped twice, whitespace collapsed,
    /// lower-cased), split into pre-tokens, byte-mapped and BPE-merged. No BOS/EOS, no truncation.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = ClipPreTokenizer.Clean(text);
        var ids = new List<int>(cleaned.Length / 3 + 1);
        var utf8 = new byte[64];
        var mapped = new StringBuilder(64);
        foreach (var range in ClipPreTokenizer.Split(cleaned))
        {
            var piece = cleaned.AsSpan(range);
            // The special-token alternatives of the pattern: their byte form is themselves and BPE leaves them whole.
            if (piece.SequenceEqual(ClipPreTokenizer.StartOfText) || piece.SequenceEqual(ClipPreTokenizer.EndOfText))
            {
                if (_vocab.TryGetValue(piece.ToString(), out int specialId)) { ids.Add(specialId); continue; }
            }
            int byteCount = Encoding.UTF8.GetMaxByteCount(piece.Length);
            if (utf8.Length < byteCount) utf8 = new byte[byteCount];
            int n = Encoding.UTF8.GetBytes(piece, utf8); // lone surrogates become U+FFFD's bytes
            mapped.Clear();
            for (int i = 0; i < n; i++) mapped.Append(ClipByteEncoding.ByteToChar[utf8[i]]);
            ids.AddRange(_bpe.Encode(mapped.ToString()));
        }
        return ids.ToArray();
    }

    /// <summary>CLIP's <c>decode</c>: token strings joined, byte-mapped back to UTF-8 (invalid sequences become
    /// U+FFFD) and every end-of-word mark "&lt;/w&gt;" turned into a space.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            var token = IdToToken(id);
            foreach (char c in token)
            {
                short b = c < ClipByteEncoding.CharToByte.Length ? ClipByteEncoding.CharToByte[c] : (short)-1;
                if (b < 0) throw new InvalidOperationException($"Token {id} ('{token}') holds a character outside CLIP's byte alphabet.");
                bytes.Add((byte)b);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray()).Replace("</w>", " ");
    }

    /// <summary>The vocabulary string of <paramref name="id"/> (byte-mapped form, e.g. "cat&lt;/w&gt;").</summary>
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)_idToToken.Length || _idToToken[id] is not { } token)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is not in the vocabulary ({VocabularySize} entries).");
        return token;
    }

    /// <summary>Looks up a vocabulary string (byte-mapped form), e.g. ",&lt;/w&gt;" → 267.</summary>
    public bool TryGetId(string token, out int id) => _vocab.TryGetValue(token, out id);

    static (Dictionary<string, int>, string?[]) ReadVocab(string path)
    {
        byte[] json = ReadFile(path, "vocabulary");
        var vocab = new Dictionary<string, int>(50_000, StringComparer.Ordinal);
        int maxId = -1;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new InvalidDataException($"{path}: expected a JSON object mapping token strings to ids.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string token = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id) || id < 0)
                    throw new InvalidDataException($"{path}: the id of token '{token}' is not a non-negative integer.");
                vocab[token] = id;
                if (id > maxId) maxId = id;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
        if (vocab.Count == 0) throw new InvalidDataException($"{path}: the vocabulary is empty.");
        var idToToken = new string?[maxId + 1];
        foreach (var (token, id) in vocab) idToToken[id] = token;
        return (vocab, idToToken);
    }

    static ClipBpe ReadMerges(string path, Dictionary<string, int> vocab)
    {
        var text = Encoding.UTF8.GetString(ReadFile(path, "merges"));
        // Span lookups: ~49k merges would otherwise allocate three strings each.
        var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var merges = new Dictionary<long, (int, int)>(ClipMergeCount);
        Span<char> joined = stackalloc char[256];
        int rank = 0, lineNo = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var line = rawLine.TrimEnd('\r');
            if (lineNo == 1 && line.StartsWith("#version")) continue;
            if (line.IsEmpty) continue;
            if (rank == ClipMergeCount) break;
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line[(space + 1)..].Contains(' '))
                throw new InvalidDataException($"{path} line {lineNo}: expected two symbols separated by one space.");
            var left = line[..space];
            var right = line[(space + 1)..];
            var buffer = line.Length - 1 <= joined.Length ? joined : new char[line.Length - 1];
            left.CopyTo(buffer);
            right.CopyTo(buffer[left.Length..]);
            if (!lookup.TryGetValue(left, out int l) || !lookup.TryGetValue(right, out int r)
                || !lookup.TryGetValue(buffer[..(line.Length - 1)], out int m))
                throw new InvalidDataException($"{path} line {lineNo}: merge '{line}' uses a symbol that vocab.json lacks.");
            merges.TryAdd(ClipBpe.PairKey(l, r), (rank, m)); // a repeated pair keeps its first (lowest) rank
            rank++;
        }
        var charIds = new int[512];
        var charEndIds = new int[512];
        Array.Fill(charIds, -1);
        Array.Fill(charEndIds, -1);
        foreach (char c in ClipByteEncoding.ByteToChar)
        {
            if (vocab.TryGetValue(c.ToString(), out int id)) charIds[c] = id;
            if (vocab.TryGetValue(c + "</w>", out int endId)) charEndIds[c] = endId;
        }
        return new ClipBpe(merges, charIds, charEndIds);
    }

    static byte[] ReadFile(string path, string what)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer {what} file not found: {path}", path);
        return File.ReadAllBytes(path);
    }
}
