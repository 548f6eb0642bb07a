using System.Text;

namespace WebUI.ModelForge.Architectures;

/// <summary>
/// A small byte-level BPE vocabulary in OpenAI CLIP's format, so tiny models ship a working tokenizer without the
/// real 49,408-entry files. Layout as in CLIP: ids 0–255 the byte symbols (bytes_to_unicode order), 256–511 the
/// same with "&lt;/w&gt;", then one token per merge, then &lt;|startoftext|&gt; and &lt;|endoftext|&gt; (the two highest ids).
/// Merges come from a BPE training run over a few hundred common prompt words, so each of those words is one token.
/// </summary>
public sealed class TinyClipVocabulary
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    TinyClipVocabulary(List<string> tokens, List<(string Left, string Right)> merges)
    {
        Tokens = tokens.AsReadOnly();
        Merges = merges.AsReadOnly();
    }

    static readonly Lazy<TinyClipVocabulary> DefaultVocabulary = new(() => Build());

    /// <summary>The unpadded vocabulary (deterministic, so built once per process).</summary>
    public static TinyClipVocabulary Default => DefaultVocabulary.Value;

    /// <summary>Token strings by id.</summary>
    public IReadOnlyList<string> Tokens { get; }
    /// <summary>Merges by rank (merges.txt order).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }
    public int Size => Tokens.Count;

    /// <summary>The id of <paramref name="token"/>; throws when it is not in the vocabulary.</summary>
    public int IdOf(string token)
    {
        for (int i = 0; i < Tokens.Count; i++) if (Tokens[i] == token) return i;
        throw new ArgumentException($"Token '{token}' is not in the vocabulary.", nameof(token));
    }
    public int BosId => Size - 2;
    public int EosId => Size - 1;

    /// <summary>
    /// Builds the vocabulary. With <paramref name="targetSize"/> (e.g. 49408 for a real-sized text encoder) filler
    /// merges of rare byte pairs are appended after the trained ones until the vocabulary has exactly that size.
    /// </summary>
    public static TinyClipVocabulary Build(int? targetSize = null)
    {
        var bytes = ByteSymbols();
        var tokens = new List<string>(bytes);
        tokens.AddRange(bytes.Select(s => s + "</w>"));
        var known = new HashSet<string>(tokens);
        var merges = new List<(string, string)>();
        TrainMerges(CommonWords.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), tokens, known, merges);

        if (targetSize is int target)
        {
            if (target < tokens.Count + 2) throw new ArgumentException($"A CLIP vocabulary with these words needs at least {tokens.Count + 2} tokens.", nameof(targetSize));
            // Filler: merges whose left symbol is a non-ASCII byte, ranked after every real merge, so ASCII text
            // tokenizes exactly as without them.
            for (int i = bytes.Count - 1; i >= 0 && tokens.Count < target - 2; i--)
                for (int j = bytes.Count - 1; j >= 0 && tokens.Count < target - 2; j--)
                    foreach (var right in (string[])[bytes[j], bytes[j] + "</w>"])
                    {
                        if (tokens.Count >= target - 2) break;
                        var merged = bytes[i] + right;
                        if (!known.Add(merged)) continue;
                        merges.Add((bytes[i], right));
                        tokens.Add(merged);
                    }
            if (tokens.Count != target - 2) throw new InvalidOperationException($"Could not pad the vocabulary to {target} tokens.");
        }
        tokens.Add(StartOfText);
        tokens.Add(EndOfText);
        return new TinyClipVocabulary(tokens, merges);
    }

    /// <summary>Greedy BPE training: repeatedly merge the most frequent adjacent pair (ties: ordinal order).</summary>
    static void TrainMerges(string[] words, List<string> tokens, HashSet<string> known, List<(string, string)> merges)
    {
        var split = words.Distinct().Select(w =>
        {
            var symbols = w.Select(c => c.ToString()).ToList();
            symbols[^1] += "</w>";
            return symbols;
        }).ToList();
        var counts = new Dictionary<(string, string), int>();
        while (true)
        {
            counts.Clear();
            foreach (var s in split)
                for (int i = 0; i + 1 < s.Count; i++)
                    counts[(s[i], s[i + 1])] = counts.GetValueOrDefault((s[i], s[i + 1])) + 1;
            (string L, string R)? best = null;
            int bestCount = 0;
            foreach (var (pair, count) in counts)
            {
                // A pair whose concatenation already is a token would give the vocabulary a duplicate entry.
                if (known.Contains(pair.Item1 + pair.Item2)) continue;
                if (count > bestCount || (count == bestCount && string.CompareOrdinal(Key(pair), Key(best!.Value)) < 0))
                {
                    best = pair;
                    bestCount = count;
                }
            }
            if (best is not { } chosen) return;
            merges.Add(chosen);
            var merged = chosen.L + chosen.R;
            tokens.Add(merged);
            known.Add(merged);
            foreach (var s in split)
                for (int i = 0; i + 1 < s.Count; i++)
                    if (s[i] == chosen.L && s[i + 1] == chosen.R) { s[i] = merged; s.RemoveAt(i + 1); }
        }
    }

    static string Key((string L, string R) pair) => pair.L + " " + pair.R;

    /// <summary>CLIP's bytes_to_unicode, in its order: printable Latin-1 bytes map to themselves, the rest to U+0100 + n.</summary>
    public static List<string> ByteSymbols()
    {
        var printable = new List<int>();
        for (int b = '!'; b <= '~'; b++) printable.Add(b);
        for (int b = 0xA1; b <= 0xAC; b++) printable.Add(b);
        for (int b = 0xAE; b <= 0xFF; b++) printable.Add(b);
        var result = printable.Select(b => ((char)b).ToString()).ToList();
        int n = 0;
        for (int b = 0; b < 256; b++)
            if (!printable.Contains(b)) result.Add(((char)(256 + n++)).ToString());
        return result;
    }

    /// <summary>Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json (HF CLIPTokenizer files).</summary>
    public void Write(string tokenizerDir, string padToken, int modelMaxLength = 77)
    {
        Directory.CreateDirectory(tokenizerDir);
        var vocab = new Dictionary<string, int>();
        for (int i = 0; i < Tokens.Count; i++) vocab[Tokens[i]] = i;
        if (vocab.Count != Tokens.Count) throw new InvalidOperationException("Duplicate token in the generated vocabulary.");
        if (!vocab.ContainsKey(padToken)) throw new ArgumentException($"Pad token '{padToken}' is not in the vocabulary.", nameof(padToken));
        PipelineFiles.WriteJson(Path.Combine(tokenizerDir, "vocab.json"), vocab, indented: false);

        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (l, r) in Merges) merges.Append(l).Append(' ').Append(r).Append('\n');
        File.WriteAllText(Path.Combine(tokenizerDir, "merges.txt"), merges.ToString(), new UTF8Encoding(false));

        // The mixed form HF ships for SD: AddedToken objects for bos/eos/unk, a plain string for pad.
        object Added(string content) => new Dictionary<string, object>
        {
            ["content"] = content, ["lstrip"] = false, ["normalized"] = true, ["rstrip"] = false, ["single_word"] = false,
        };
        PipelineFiles.WriteJson(Path.Combine(tokenizerDir, "special_tokens_map.json"), new Dictionary<string, object>
        {
            ["bos_token"] = Added(StartOfText), ["eos_token"] = Added(EndOfText), ["pad_token"] = padToken, ["unk_token"] = Added(EndOfText),
        });
        PipelineFiles.WriteJson(Path.Combine(tokenizerDir, "tokenizer_config.json"), new Dictionary<string, object>
        {
            ["add_prefix_space"] = false,
            ["bos_token"] = Added(StartOfText),
            ["do_lower_case"] = true,
            ["eos_token"] = Added(EndOfText),
            ["errors"] = "replace",
            ["model_max_length"] = modelMaxLength,
            ["pad_token"] = padToken,
            ["tokenizer_class"] = "CLIPTokenizer",
            ["unk_token"] = Added(EndOfText),
        });
    }

    /// <summary>Words the tiny tokenizer keeps whole: common prompt vocabulary (subjects, styles, colours, quality tags).</summary>
    const string CommonWords = """
        a an the of and in on with at by for from to under over near into through without above below behind
        photo photograph picture image painting drawing sketch illustration render portrait landscape closeup
        cat dog bird horse fish lion tiger wolf fox bear rabbit owl dragon unicorn butterfly deer cow sheep
        man woman girl boy child people person king queen knight wizard warrior robot astronaut soldier princess
        face eyes hair hand smile dress armor hat crown sword shield
        house castle tower city street road bridge village temple church ruins room kitchen library window door
        tree trees forest flower flowers garden grass field meadow mountain mountains hill valley river lake sea
        ocean beach island desert snow ice rain cloud clouds sky sun moon star stars sunset sunrise night day
        morning evening storm fog mist fire water stone rock sand wood metal glass gold silver
        red orange yellow green blue purple pink brown black white gray grey dark light bright colorful
        big small tall old young new beautiful cute happy sad scary epic magical ancient futuristic cyberpunk
        steampunk fantasy realistic photorealistic hyperrealistic surreal abstract minimalist detailed intricate
        sharp focus soft blurry bokeh cinematic dramatic lighting volumetric studio natural golden hour
        masterpiece best quality high highly resolution ultra hd uhd trending artstation concept art digital
        oil watercolor acrylic pencil charcoal ink anime manga cartoon comic pixel vector style by
        canon nikon lens wide angle shot view camera depth field composition background foreground
        ugly bad worst low lowres blur blurred deformed extra missing fingers text watermark signature cropped
        jpeg artifacts noise grain duplicate mutated disfigured
        standing sitting walking running flying swimming sleeping holding wearing looking reading
        one two three four five very is are it this that there as or
        """;
}
