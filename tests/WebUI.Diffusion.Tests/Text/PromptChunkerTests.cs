using System.Text.Json;
using WebUI.Diffusion.Text;

namespace WebUI.Diffusion.Tests.Text;

/// <summary>
/// Chunking (§4.1). chunk_vectors.json holds A1111's tokenize_line (+ process_tokens' pad rule) run in Python on
/// the same vocabulary: comma backtracking at 0/10/20, BREAK, weights, SD 2 padding, long and unicode prompts.
/// </summary>
public class PromptChunkerTests
{
    sealed record Vector(string Prompt, int Backtrack, int Pad, int TokenCount, ChunkVector[] Chunks);
    sealed record ChunkVector(int[] Ids, double[] Weights);

    static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static IEnumerable<object[]> Vectors()
    {
        var all = JsonSerializer.Deserialize<Vector[]>(File.ReadAllText(SharedData.TestFile("chunk_vectors.json")), Json)!;
        for (int i = 0; i < all.Length; i++) yield return [i];
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Matches_a1111_tokenize_line(int index)
    {
        var v = JsonSerializer.Deserialize<Vector[]>(File.ReadAllText(SharedData.TestFile("chunk_vectors.json")), Json)![index];
        var tokenizer = v.Pad == 0 ? SharedData.Sd2Tokenizer : SharedData.Tokenizer;
        var chunks = new PromptChunker(tokenizer, EmphasisMode.Original, v.Backtrack).Chunk(v.Prompt, out int count);
        Assert.Equal(v.TokenCount, count);
        Assert.Equal(v.Chunks.Length, chunks.Count);
        for (int c = 0; c < chunks.Count; c++)
        {
            Assert.Equal(v.Chunks[c].Ids, chunks[c].Ids);
            Assert.Equal(v.Chunks[c].Weights.Select(w => (float)w), chunks[c].Weights);
        }
    }

    [Fact]
    public void Vectors_exercise_backtracking()
    {
        // Guard against a vector file that no longer covers the case it was made for.
        var near = "cat, " + string.Concat(Enumerable.Repeat("cat, ", 29)) + string.Join(" ", Enumerable.Repeat("red house on a green hill", 4));
        var with = new PromptChunker(SharedData.Tokenizer, commaPaddingBacktrack: 20).Chunk(near);
        var without = new PromptChunker(SharedData.Tokenizer, commaPaddingBacktrack: 0).Chunk(near);
        Assert.Equal(61, Array.IndexOf(with[0].Ids, 49407)); // cut after the 30th comma: 60 tokens + BOS
        Assert.Equal(76, Array.IndexOf(without[0].Ids, 49407));
    }

    [Fact]
    public void Empty_prompt_is_one_padded_chunk()
    {
        var sd1 = new PromptChunker(SharedData.Tokenizer).Chunk("", out int n1);
        var sd2 = new PromptChunker(SharedData.Sd2Tokenizer).Chunk("", out int n2);
        Assert.Equal((0, 0), (n1, n2));
        Assert.Equal([49406, .. Enumerable.Repeat(49407, 76)], sd1.Single().Ids);
        Assert.Equal([49406, 49407, .. Enumerable.Repeat(0, 75)], sd2.Single().Ids);
        Assert.All(sd1.Single().Weights, w => Assert.Equal(1f, w));
        Assert.Equal(sd1.Single(), new PromptChunker(SharedData.Tokenizer).EmptyChunk(), ChunkComparer.Instance);
    }

    [Fact]
    public void Emphasis_none_keeps_brackets_and_break_as_text()
    {
        var chunk = new PromptChunker(SharedData.Tokenizer, EmphasisMode.None).Chunk("(a cat:1.5) BREAK b").Single();
        var ids = SharedData.Tokenizer.Encode("(a cat:1.5) BREAK b");
        Assert.Equal(ids, chunk.Ids.Skip(1).Take(ids.Length));
        Assert.All(chunk.Weights, w => Assert.Equal(1f, w));
        // "Ignore" still parses (brackets gone, weights kept for the record) like Original.
        var ignore = new PromptChunker(SharedData.Tokenizer, EmphasisMode.Ignore).Chunk("(cat:1.5)").Single();
        Assert.Equal([49406, 2368, 49407], ignore.Ids.Take(3));
        Assert.Equal(1.5f, ignore.Weights[1]);
    }

    [Fact]
    public void Batch_and_positive_negative_padding_append_empty_chunks()
    {
        var chunker = new PromptChunker(SharedData.Sd2Tokenizer);
        var batch = chunker.ChunkBatch(["a BREAK b BREAK c", "d"]);
        Assert.Equal([3, 3], batch.Select(b => b.Count));
        Assert.Equal(chunker.EmptyChunk(), batch[1][2], ChunkComparer.Instance);

        var (pos, neg) = chunker.PadToSameChunkCount(chunker.Chunk("a BREAK b"), chunker.Chunk("ugly"));
        Assert.Equal(2, pos.Count);
        Assert.Equal(2, neg.Count);
        Assert.Equal(chunker.EmptyChunk(), neg[1], ChunkComparer.Instance);
        Assert.Equal([49406, 8159, 49407, 0], neg[0].Ids.Take(4));
    }

    [Fact]
    public void Invalid_backtrack_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptChunker(SharedData.Tokenizer, commaPaddingBacktrack: 75));
    }

    sealed class ChunkComparer : IEqualityComparer<TextChunk>
    {
        public static readonly ChunkComparer Instance = new();
        public bool Equals(TextChunk? x, TextChunk? y) => x!.Ids.SequenceEqual(y!.Ids) && x.Weights.SequenceEqual(y.Weights);
        public int GetHashCode(TextChunk obj) => obj.Ids.Length;
    }
}
