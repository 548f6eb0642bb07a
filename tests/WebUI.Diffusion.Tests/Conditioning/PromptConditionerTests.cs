using WebUI.Diffusion.Models;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.Diffusion.Text;
using static WebUI.Diffusion.Tests.Conditioning.ConditioningHelpers;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>
/// The prompt language through the real ONNX path on a fake text encoder whose output is known per token
/// (state[t, c] = id_t·1e-3·(1 + c/32)), with the tiny CLIP tokenizer: chunking, BREAK, emphasis modes and their
/// batch-wide mean, prompt-editing schedules and AND.
/// </summary>
public sealed class PromptConditionerTests : IDisposable
{
    const int Width = 32;
    readonly TempDir _dir = new();
    readonly DiffusionModel _model;

    public PromptConditionerTests()
    {
        FakeModelFolder.Build(_dir.Sub("m"), new FakeModelSpec());
        _model = Load(_dir.Sub("m"));
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    static ClipTokenizer Tok => TinyTokenizer.Value;

    /// <summary>The fake encoder's states for chunk ids, with per-token weights applied ("No norm").</summary>
    static float[] States(IEnumerable<int> ids, IEnumerable<float>? weights = null)
    {
        var idList = ids.ToList();
        var w = weights?.ToList() ?? Enumerable.Repeat(1f, idList.Count).ToList();
        var result = new float[idList.Count * Width];
        for (int t = 0; t < idList.Count; t++)
            for (int c = 0; c < Width; c++)
                result[t * Width + c] = (float)idList[t] * 1e-3f * (1 + (float)c / Width) * w[t];
        return result;
    }

    static int[] Chunk(params int[] content)
    {
        var ids = new List<int> { Tok.BosId };
        ids.AddRange(content);
        while (ids.Count < 77) ids.Add(Tok.EosId);
        return ids.ToArray();
    }

    [Fact]
    public void A_plain_prompt_is_one_chunk_of_bos_tokens_eos_padding()
    {
        var c = Build(_model, "a photo of a cat");
        var e = c.Embeddings[c.PositiveAt(0, 0)];
        Assert.Equal((77, Width), (e.Tokens, e.Width));
        AssertClose(States(Chunk(Tok.Encode("a photo of a cat"))), e.Data, 1e-6, "cond");
        Assert.Null(e.Pooled);
        Assert.Null(e.TimeIds);
        AssertClose(States(Chunk()), c.Embeddings[c.NegativeAt(0)].Data, 1e-6, "empty negative");
    }

    [Fact]
    public void Long_prompts_and_BREAK_become_several_chunks_along_the_token_axis()
    {
        string words = string.Join(" ", Enumerable.Repeat("red cat", 50)); // 100 tokens
        var ids = Tok.Encode(words);
        Assert.Equal(100, ids.Length);
        var e = Build(_model, words).Embeddings[0];
        Assert.Equal(154, e.Tokens);
        AssertClose(States(Chunk(ids[..75]).Concat(Chunk(ids[75..]))), e.Data, 1e-6, "two chunks");

        var b = Build(_model, "red cat BREAK blue dog").Embeddings[0];
        Assert.Equal(154, b.Tokens);
        AssertClose(States(Chunk(Tok.Encode("red cat")).Concat(Chunk(Tok.Encode("blue dog")))), b.Data, 1e-6, "BREAK");
    }

    [Fact]
    public void Emphasis_modes_act_on_the_encoder_output_as_in_A1111()
    {
        int cat = Tok.Encode("cat").Single(), dog = Tok.Encode("dog").Single();
        var ids = Chunk(cat, dog);
        var weights = Enumerable.Repeat(1f, 77).ToArray();
        weights[1] = 1.5f;

        var noNorm = Build(_model, "(cat:1.5) dog", emphasis: EmphasisMode.NoNorm).Embeddings[0].Data;
        AssertClose(States(ids, weights), noNorm, 1e-6, "No norm");

        // Original: weighted, then rescaled so the chunk's mean is what it was.
        var plain = States(ids);
        var expected = States(ids, weights);
        float scale = (float)(plain.Average(v => (double)v) / expected.Average(v => (double)v));
        var original = Build(_model, "(cat:1.5) dog").Embeddings[0].Data;
        AssertClose(expected.Select(v => v * scale).ToArray(), original, 1e-6, "Original");
        Assert.Equal(plain.Average(v => (double)v), original.Average(v => (double)v), 1e-6);

        AssertClose(plain, Build(_model, "(cat:1.5) dog", emphasis: EmphasisMode.Ignore).Embeddings[0].Data, 1e-6, "Ignore");
        var literal = Build(_model, "(cat:1.5) dog", emphasis: EmphasisMode.None).Embeddings[0].Data;
        AssertClose(States(Chunk(Tok.Encode("(cat:1.5) dog"))), literal, 1e-6, "None keeps the brackets as text");
    }

    [Fact]
    public void Scheduled_texts_are_one_batch_whose_emphasis_mean_is_shared_and_the_schedule_indexes_them()
    {
        var c = Build(_model, "(cat:1.5) [dog:bird:0.5]", steps: 10);
        var schedule = c.Positive.Single().Schedule;
        Assert.Equal([5, 10], schedule.Select(s => s.EndStep));
        Assert.Equal(schedule[0].TextIndex, c.PositiveAt(0, 5));
        Assert.Equal(schedule[1].TextIndex, c.PositiveAt(0, 6));
        Assert.Contains(6, c.ChangePoints);

        // A1111 restores the mean over both texts' chunk tensors together, so one factor scales both.
        int cat = Tok.Encode("cat").Single();
        var first = Chunk(cat, Tok.Encode("dog").Single());
        var second = Chunk(cat, Tok.Encode("bird").Single());
        var w = Enumerable.Repeat(1f, 77).ToArray();
        w[1] = 1.5f;
        var before = States(first).Concat(States(second)).ToArray();
        var weighted = States(first, w).Concat(States(second, w)).ToArray();
        float scale = (float)(before.Average(v => (double)v) / weighted.Average(v => (double)v));
        AssertClose(States(first, w).Select(v => v * scale).ToArray(), c.Embeddings[schedule[0].TextIndex].Data, 1e-6, "dog text");
        AssertClose(States(second, w).Select(v => v * scale).ToArray(), c.Embeddings[schedule[1].TextIndex].Data, 1e-6, "bird text");
    }

    [Fact]
    public void AND_parts_keep_their_weights_and_identical_parts_share_encodings()
    {
        var c = Build(_model, " red cat AND blue dog :0.5 AND red cat ");
        Assert.Equal([1.0, 0.5, 1.0], c.Positive.Select(p => p.Weight));
        Assert.Equal(c.PositiveAt(0, 0), c.PositiveAt(2, 0));
        AssertClose(States(Chunk(Tok.Encode("blue dog"))), c.Embeddings[c.PositiveAt(1, 0)].Data, 1e-6, "second part");
        Assert.False(c.IsSingle);
    }

    [Fact]
    public void Emphasis_is_reported_only_when_not_original_and_the_prompt_uses_brackets()
    {
        Assert.Empty(Build(_model, "(cat) dog").InfotextExtras);
        Assert.Empty(Build(_model, "cat dog", emphasis: EmphasisMode.NoNorm).InfotextExtras);
        Assert.Equal([new KeyValuePair<string, object?>("Emphasis", "No norm")], Build(_model, "(cat) dog", emphasis: EmphasisMode.NoNorm).InfotextExtras);
        Assert.Equal("None", Build(_model, "cat", "[ugly]", emphasis: EmphasisMode.None).InfotextExtras.Single().Value);
    }

    [Fact]
    public void Extra_network_tags_are_removed_and_reported()
    {
        var c = Build(_model, "a cat <lora:style:0.8>");
        AssertClose(States(Chunk(Tok.Encode("a cat "))), c.Embeddings[0].Data, 1e-6, "without the tag");
        Assert.Contains(c.Warnings, w => w.Contains("<lora:...>"));
    }

    [Fact]
    public void A_hires_pass_schedules_over_its_own_steps_counting_on_from_the_first_pass()
    {
        using var ro = new Microsoft.ML.OnnxRuntime.RunOptions();
        double seconds = 0;
        // 20 base steps, 10 hires steps: [cat:dog:25] switches after hires step 5 (a1111-reference §3.1).
        var c = _model.Conditioner.Build(new ConditioningOptions("a [cat:dog:25] x", "", 20, 64, 64, HiresSteps: 10), ro, ref seconds);
        Assert.Equal([5, 10], c.Positive.Single().Schedule.Select(e => e.EndStep));
        AssertClose(States(Chunk(Tok.Encode("a dog x"))), c.Embeddings[c.PositiveAt(0, 6)].Data, 1e-6, "after the switch");
    }
}
