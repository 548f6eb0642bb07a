using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WebUI.ModelForge.Demo.Scenes;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// The demo model's CLIP tokenizer files: a small byte-level BPE vocabulary in exactly CLIP's layout — the 256 byte
/// characters, the same with &lt;/w&gt;, one entry per merge in merge order, then &lt;|startoftext|&gt; and
/// &lt;|endoftext|&gt; (so BOS/EOS are the two highest ids, as in CLIP) — whose merges build every demo word into one
/// whole-word token and every demo Chinese character into one token.
/// </summary>
sealed class DemoTokenizer
{
    readonly List<string> _vocab = [];
    readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    readonly List<(string Left, string Right)> _merges = [];

    public IReadOnlyList<string> Vocabulary => _vocab;
    public IReadOnlyDictionary<string, int> Ids => _ids;
    public IReadOnlyList<(string Left, string Right)> Merges => _merges;
    public ClipBpe Bpe { get; }
    public int BosId => _ids[ClipBpe.StartOfText];
    public int EosId => _ids[ClipBpe.EndOfText];

    DemoTokenizer()
    {
        Bpe = new ClipBpe(_ids, _merges);
    }

    public static DemoTokenizer Build()
    {
        var t = new DemoTokenizer();
        var bytes = ClipBpe.ByteAlphabet();
        foreach (var b in bytes) t.Add(b);
        foreach (var b in bytes) t.Add(b + ClipBpe.WordEnd);
        foreach (var word in DemoVocabulary.Words) t.Chain(ClipBpe.Symbols(word));
        foreach (var ch in DemoVocabulary.Characters)
        {
            t.Chain(ClipBpe.Symbols(ch, wordEnd: false));
            t.Chain(ClipBpe.Symbols(ch));
        }
        t.Add(ClipBpe.StartOfText);
        t.Add(ClipBpe.EndOfText);
        t.Verify();
        return t;
    }

    void Add(string token)
    {
        if (!_ids.TryAdd(token, _vocab.Count))
            throw new InvalidOperationException($"Demo vocabulary would hold '{token}' twice.");
        _vocab.Add(token);
    }

    // Adds merges, each with the lowest priority so far, until the symbols BPE into one token. A new lowest-priority
    // merge only fires where no earlier merge applies, so words built before stay whole. Where possible the pair
    // chosen is one whose result is new, keeping vocabulary entries one-to-one with merges as CLIP's are.
    void Chain(List<string> symbols)
    {
        while (true)
        {
            var current = Bpe.Merge(symbols);
            if (current.Count == 1) return;
            int pick = 0;
            for (int i = 0; i + 1 < current.Count; i++)
                if (!_ids.ContainsKey(current[i] + current[i + 1])) { pick = i; break; }
            var (left, right) = (current[pick], current[pick + 1]);
            _merges.Add((left, right));
            Bpe.AddMerge(left, right);
            Add(left + right);
        }
    }

    void Verify()
    {
        foreach (var word in DemoVocabulary.Words)
            if (Bpe.Merge(ClipBpe.Symbols(word)) is not [var one] || one != word + ClipBpe.WordEnd)
                throw new InvalidOperationException($"Demo word '{word}' does not tokenize to one token.");
        foreach (var ch in DemoVocabulary.Characters)
        {
            var inner = Bpe.Merge(ClipBpe.Symbols(ch, wordEnd: false));
            if (inner.Count != 1) throw new InvalidOperationException($"Demo character '{ch}' does not tokenize to one token.");
        }
    }

    /// <summary>The vocabulary entry of a token id as a word: "sunset&lt;/w&gt;" → "sunset"; byte tokens decode to their characters.</summary>
    public string WordOf(int id)
    {
        var token = _vocab[id];
        if (token is ClipBpe.StartOfText or ClipBpe.EndOfText) return token;
        if (token.EndsWith(ClipBpe.WordEnd, StringComparison.Ordinal)) token = token[..^ClipBpe.WordEnd.Length];
        return ClipBpe.DecodeBytes(token);
    }

    /// <summary>
    /// Affinity of every token to every gallery member, [vocabulary, K]: the largest weight the member gives any tag the
    /// token's word names. Only whole-word tokens (and whole Chinese characters) carry affinity; fragments carry none.
    /// </summary>
    public float[] AffinityTable(IReadOnlyList<DemoScene> scenes)
    {
        int k = scenes.Count;
        var table = new float[_vocab.Count * k];
        for (int id = 0; id < _vocab.Count; id++)
        {
            var token = _vocab[id];
            bool whole = token.EndsWith(ClipBpe.WordEnd, StringComparison.Ordinal) || DemoVocabulary.Characters.Contains(ClipBpe.DecodeBytes(token));
            if (!whole) continue;
            var tags = DemoVocabulary.TagsOf(WordOf(id));
            if (tags.Count == 0) continue;
            for (int m = 0; m < k; m++)
            {
                float best = 0;
                foreach (var tag in tags)
                    if (scenes[m].Tags.TryGetValue(tag, out float w) && w > best) best = w;
                table[id * k + m] = best;
            }
        }
        return table;
    }

    /// <summary>Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json in CLIP's (SD 1.x) formats.</summary>
    public void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        var utf8 = new UTF8Encoding(false);
        // vocab.json: one compact JSON object in id order with raw UTF-8, like the SD 1.x tokenizer's file.
        var json = new StringBuilder("{");
        for (int id = 0; id < _vocab.Count; id++)
        {
            if (id > 0) json.Append(',');
            json.Append(JsonSerializer.Serialize(_vocab[id], JsonOptions)).Append(':').Append(id);
        }
        json.Append("}\n");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), json.ToString(), utf8);
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (l, r) in _merges) merges.Append(l).Append(' ').Append(r).Append('\n');
        File.WriteAllText(Path.Combine(dir, "merges.txt"), merges.ToString(), utf8);
        File.WriteAllText(Path.Combine(dir, "special_tokens_map.json"), SpecialTokensMap, utf8);
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), TokenizerConfig, utf8);
    }

    static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static string AddedToken(string content, bool typed) =>
        "{\n    " + (typed ? "\"__type\": \"AddedToken\",\n    " : "") + $"\"content\": \"{content}\",\n    \"lstrip\": false,\n    \"normalized\": true,\n    \"rstrip\": false,\n    \"single_word\": false\n  }}";

    static readonly string SpecialTokensMap =
        "{\n" +
        $"  \"bos_token\": {AddedToken(ClipBpe.StartOfText, false)},\n" +
        $"  \"eos_token\": {AddedToken(ClipBpe.EndOfText, false)},\n" +
        $"  \"pad_token\": \"{ClipBpe.EndOfText}\",\n" +
        $"  \"unk_token\": {AddedToken(ClipBpe.EndOfText, false)}\n" +
        "}\n";

    static readonly string TokenizerConfig =
        "{\n" +
        "  \"add_prefix_space\": false,\n" +
        $"  \"bos_token\": {AddedToken(ClipBpe.StartOfText, true)},\n" +
        "  \"do_lower_case\": true,\n" +
        $"  \"eos_token\": {AddedToken(ClipBpe.EndOfText, true)},\n" +
        "  \"errors\": \"replace\",\n" +
        "  \"model_max_length\": 77,\n" +
        "  \"name_or_path\": \"webui/demo\",\n" +
        $"  \"pad_token\": \"{ClipBpe.EndOfText}\",\n" +
        "  \"special_tokens_map_file\": \"./special_tokens_map.json\",\n" +
        "  \"tokenizer_class\": \"CLIPTokenizer\",\n" +
        $"  \"unk_token\": {AddedToken(ClipBpe.EndOfText, true)}\n" +
        "}\n";
}
