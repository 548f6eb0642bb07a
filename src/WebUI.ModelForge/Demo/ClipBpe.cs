using System.Text;
using System.Text.RegularExpressions;

namespace WebUI.ModelForge.Demo;

/// <summary>
/// OpenAI CLIP's byte-level BPE as the forge needs it: the byte↔character table, the pre-tokenizer and the merge loop.
/// The forge uses it to build the demo tokenizer's merge chains and to prove that every demo word comes out as one
/// token; it is checked against the real CLIP vocabulary's reference ids in the tests. (The engine has its own
/// tokenizer; this one is deliberately minimal: no caching, no truncation.)
/// </summary>
sealed partial class ClipBpe
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";
    public const string WordEnd = "</w>";

    readonly Dictionary<(string, string), int> _ranks;
    readonly IReadOnlyDictionary<string, int> _vocab;

    public ClipBpe(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges)
    {
        _vocab = vocab;
        _ranks = new Dictionary<(string, string), int>(merges.Count);
        for (int i = 0; i < merges.Count; i++) _ranks.TryAdd(merges[i], i);
    }

    /// <summary>Appends a merge with the lowest priority so far (used while the demo vocabulary is being built).</summary>
    public void AddMerge(string left, string right) => _ranks.TryAdd((left, right), _ranks.Count);

    /// <summary>Reads vocab.json and merges.txt in CLIP's formats.</summary>
    public static ClipBpe FromFiles(string vocabJson, string mergesTxt)
    {
        var vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))
            ?? throw new InvalidDataException($"{vocabJson} is not a JSON object.");
        var lines = File.ReadAllText(mergesTxt).Split('\n');
        var merges = new List<(string, string)>();
        for (int i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            int sp = line.IndexOf(' ');
            merges.Add((line[..sp], line[(sp + 1)..]));
        }
        return new ClipBpe(vocab, merges);
    }

    static readonly Lazy<(char[] ToChar, Dictionary<char, byte> ToByte)> _bytes = new(() =>
    {
        // Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100 upward, in byte order.
        var toChar = new char[256];
        var printable = new bool[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 256;
        for (int b = 0; b < 256; b++) toChar[b] = printable[b] ? (char)b : (char)next++;
        return (toChar, toChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b));
    });

    /// <summary>The 256 byte characters in CLIP's vocabulary order (printable bytes first, then the remapped ones).</summary>
    public static IReadOnlyList<string> ByteAlphabet()
    {
        var map = _bytes.Value.ToChar;
        var printable = Enumerable.Range(0, 256).Where(b => map[b] == (char)b);
        var remapped = Enumerable.Range(0, 256).Where(b => map[b] != (char)b);
        return printable.Concat(remapped).Select(b => map[b].ToString()).ToList();
    }

    /// <summary>Byte characters back to the text they encode ("Ġ"-style characters → bytes → UTF-8).</summary>
    public static string DecodeBytes(string byteChars)
    {
        var map = _bytes.Value.ToByte;
        var bytes = new byte[byteChars.Length];
        for (int i = 0; i < byteChars.Length; i++)
            bytes[i] = map.TryGetValue(byteChars[i], out var b) ? b : throw new ArgumentException($"'{byteChars[i]}' is not a byte character.");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A word's initial BPE symbols: one per UTF-8 byte, the last one marked with &lt;/w&gt; when <paramref name="wordEnd"/>.</summary>
    public static List<string> Symbols(string word, bool wordEnd = true)
    {
        var map = _bytes.Value.ToChar;
        var symbols = Encoding.UTF8.GetBytes(word).Select(b => map[b].ToString()).ToList();
        if (wordEnd && symbols.Count > 0) symbols[^1] += WordEnd;
        return symbols;
    }

    /// <summary>Applies the merges to <paramref name="symbols"/> in rank order, each time merging every occurrence of the best pair.</summary>
    public List<string> Merge(List<string> symbols)
    {
        var word = new List<string>(symbols);
        while (word.Count > 1)
        {
            int bestRank = int.MaxValue;
            (string, string) best = default;
            for (int i = 0; i + 1 < word.Count; i++)
                if (_ranks.TryGetValue((word[i], word[i + 1]), out int r) && r < bestRank) { bestRank = r; best = (word[i], word[i + 1]); }
            if (bestRank == int.MaxValue) break;
            var merged = new List<string>(word.Count);
            for (int i = 0; i < word.Count; i++)
            {
                if (i + 1 < word.Count && word[i] == best.Item1 && word[i + 1] == best.Item2) { merged.Add(best.Item1 + best.Item2); i++; }
                else merged.Add(word[i]);
            }
            word = merged;
        }
        return word;
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex PreTokenizer();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>CLIP's pre-tokens of a text: whitespace collapsed, lower-cased, split by the CLIP pattern.</summary>
    public static IEnumerable<string> PreTokens(string text)
    {
        text = Whitespace().Replace(text, " ").Trim().ToLowerInvariant();
        foreach (Match m in PreTokenizer().Matches(text)) yield return m.Value;
    }

    /// <summary>Token strings of a text, without BOS/EOS.</summary>
    public IEnumerable<string> Tokens(string text)
    {
        foreach (var pre in PreTokens(text))
        {
            if (pre is StartOfText or EndOfText) { yield return pre; continue; }
            foreach (var t in Merge(Symbols(pre))) yield return t;
        }
    }

    /// <summary>Token ids of a text, without BOS/EOS (unknown tokens would be a vocabulary bug, so they throw).</summary>
    public int[] Encode(string text) => Tokens(text)
        .Select(t => _vocab.TryGetValue(t, out int id) ? id : throw new KeyNotFoundException($"Token '{t}' is not in the vocabulary."))
        .ToArray();
}
