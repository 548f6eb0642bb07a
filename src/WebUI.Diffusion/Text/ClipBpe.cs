using System.Collections.Concurrent;

namespace WebUI.Diffusion.Text;

/// <summary>
/// CLIP's byte-pair encoding of one pre-token, on vocabulary ids instead of strings: every merge's two parts and
/// its result are vocabulary entries, so a merge is (left id, right id) → (rank, merged id). The lowest-ranked
/// adjacent pair is merged everywhere (left to right, non-overlapping) until no known pair remains, exactly as
/// OpenAI's <c>bpe()</c>. Results are cached per pre-token; the cache is thread-safe and bounded.
/// </summary>
internal sealed class ClipBpe
{
    const int MaxCacheEntries = 100_000;

    readonly Dictionary<long, (int Rank, int Merged)> _merges;
    readonly int[] _charIds;        // id of each byte character alone (index = char code, -1 if none)
    readonly int[] _charEndIds;     // id of each byte character + "</w>"
    readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public ClipBpe(Dictionary<long, (int Rank, int Merged)> merges, int[] charIds, int[] charEndIds)
    {
        _merges = merges;
        _charIds = charIds;
        _charEndIds = charEndIds;
    }

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>The ids of a byte-encoded pre-token (each char one of the 256 byte characters).</summary>
    public int[] Encode(string byteEncodedToken)
    {
        if (_cache.TryGetValue(byteEncodedToken, out var cached)) return cached;
        var ids = Merge(byteEncodedToken);
        if (_cache.Count >= MaxCacheEntries) _cache.Clear(); // prompts reuse few words; a flood just restarts it
        _cache[byteEncodedToken] = ids;
        return ids;
    }

    int[] Merge(string token)
    {
        var word = new List<int>(token.Length);
        for (int i = 0; i < token.Length; i++)
        {
            int id = i == token.Length - 1 ? _charEndIds[token[i]] : _charIds[token[i]];
            if (id < 0) throw new InvalidOperationException($"The vocabulary has no entry for byte character U+{(int)token[i]:X4}.");
            word.Add(id);
        }
        while (word.Count > 1)
        {
            // The pair with the lowest rank (first occurrence wins ties, which only the same pair can produce).
            int bestRank = int.MaxValue, bestLeft = 0, bestRight = 0, merged = 0;
            for (int i = 0; i + 1 < word.Count; i++)
            {
                if (_merges.TryGetValue(PairKey(word[i], word[i + 1]), out var m) && m.Rank < bestRank)
                {
                    bestRank = m.Rank;
                    bestLeft = word[i];
                    bestRight = word[i + 1];
                    merged = m.Merged;
                }
            }
            if (bestRank == int.MaxValue) break;
            int write = 0;
            for (int read = 0; read < word.Count; write++)
            {
                if (read + 1 < word.Count && word[read] == bestLeft && word[read + 1] == bestRight)
                {
                    word[write] = merged;
                    read += 2;
                }
                else
                {
                    word[write] = word[read];
                    read++;
                }
            }
            word.RemoveRange(write, word.Count - write);
        }
        return word.ToArray();
    }
}
