using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.Diffusion.Tests.Text;
using WebUI.Diffusion.Text;
using WebUI.ModelForge;
using static WebUI.Diffusion.Tests.Conditioning.ConditioningHelpers;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>
/// Textual inversion (a1111-reference §4.1 step 4, diffusion-reference §6e option 1): trigger words become the
/// embedding's vectors. The chunker part runs on the real CLIP tokenizer; the encoder part on the tiny SD families,
/// checked through hidden_states.0 (token embedding + position embedding) against the unmodified encoder.
/// </summary>
public sealed class TextualInversionTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static ClipTokenizer Clip => SharedData.Tokenizer;

    static EmbeddingTrigger Trigger(string name, int vectors) => new(name, Clip.Encode(name), vectors);

    [Fact]
    public void The_chunker_turns_a_trigger_into_placeholder_positions_with_the_fragment_weight()
    {
        var chunker = new PromptChunker(Clip, embeddings: [Trigger("mystyle", 3)]);
        Assert.True(Clip.Encode("mystyle").Length > 1);
        var chunk = chunker.Chunk("a photo of (mystyle:1.2) cat", out int count).Single();
        var a = Clip.Encode("a photo of");
        Assert.Equal(a.Length + 3 + 1, count);
        Assert.Equal(new EmbeddingFix(1 + a.Length, "mystyle", 3), chunk.Fixes.Single());
        Assert.Equal([0, 0, 0], chunk.Ids[(1 + a.Length)..(4 + a.Length)]);
        Assert.Equal([1.2f, 1.2f, 1.2f], chunk.Weights[(1 + a.Length)..(4 + a.Length)]);
        Assert.Equal(Clip.Encode("cat").Single(), chunk.Ids[4 + a.Length]);
    }

    [Fact]
    public void The_longest_matching_name_wins_and_a_trigger_that_does_not_fit_moves_to_the_next_chunk()
    {
        var chunker = new PromptChunker(Clip, embeddings: [Trigger("cat", 1), Trigger("cat toy", 2)]);
        Assert.Equal("cat toy", chunker.Chunk("a cat toy").Single().Fixes.Single().Name);
        Assert.Equal("cat", chunker.Chunk("a cat").Single().Fixes.Single().Name);

        string filler = string.Join(" ", Enumerable.Repeat("dog", 74)); // 74 tokens, no commas
        var chunks = new PromptChunker(Clip, embeddings: [Trigger("mystyle", 3)]).Chunk(filler + " mystyle");
        Assert.Equal(2, chunks.Count);
        Assert.Empty(chunks[0].Fixes);
        Assert.Equal(Clip.EosId, chunks[0].Ids[75]); // the 75th slot stays empty
        Assert.Equal(new EmbeddingFix(1, "mystyle", 3), chunks[1].Fixes.Single());
    }

    [Fact]
    public void The_comma_backtrack_carries_an_embedding_along_with_its_placeholders()
    {
        string filler = string.Join(" ", Enumerable.Repeat("dog", 70));
        var chunks = new PromptChunker(Clip, embeddings: [Trigger("mystyle", 2)]).Chunk(filler + ", mystyle dog dog dog");
        // 70 + comma + 2 + 2 = 75 tokens, the next token triggers the backtrack: everything after the comma moves.
        Assert.Equal(2, chunks.Count);
        Assert.Empty(chunks[0].Fixes);
        Assert.Equal(new EmbeddingFix(1, "mystyle", 2), chunks[1].Fixes.Single());
        Assert.Equal([0, 0], chunks[1].Ids[1..3]);
    }

    static float[] Vectors(int vectors, int width, float seed) =>
        Enumerable.Range(0, vectors * width).Select(i => (float)Math.Sin(seed + i * 0.37) * 0.5f).ToArray();

    string WriteEmbedding(string name, int vectors, int width, float seed = 1)
    {
        string path = _dir.Sub("models", "embeddings", name + ".safetensors");
        FileFormatTests.WriteSafetensors(path, ("emb_params", "F32", [vectors, width], Vectors(vectors, width, seed)));
        return path;
    }

    [Fact]
    public void Embedding_vectors_replace_the_token_embeddings_at_the_trigger_and_ordinary_tokens_keep_theirs()
    {
        string dir = TinyModels.BuildSd15(_dir.Sub("opt"), TinyDialect.OptimumFp32);
        WriteEmbedding("mystyle", 2, 32);
        using var model = Load(dir);
        var encoder = model.Conditioner.Encoders.Single();
        var db = new EmbeddingDatabase(_dir.Sub("models", "embeddings")).Refresh();
        var tok = encoder.Tokenizer;

        // A word that owns the row TI would take first must keep its own vector.
        string topWord = Enumerable.Range(512, tok.BosId - 512).Reverse().Select(tok.IdToToken)
            .First(t => t.EndsWith("</w>") && tok.Encode(t[..^4]).Length == 1)[..^4];
        int topId = tok.Encode(topWord).Single();

        var chunker = new PromptChunker(tok, embeddings: encoder.Triggers(db.Embeddings.Values, 32));
        var chunk = chunker.Chunk($"a {topWord} mystyle cat").Single();
        var fix = chunk.Fixes.Single();
        encoder.BindEmbeddings([chunk], db.Embeddings);
        int[] rows = chunk.Ids[fix.Offset..(fix.Offset + 2)];
        Assert.DoesNotContain(topId, rows);
        Assert.All(rows, r => Assert.True(r >= 512 && r < tok.BosId));

        using var ro = new RunOptions();
        var withTi = encoder.Encode(chunk.Ids, new EncoderLayer("hidden_states.0", false), false, ro).Hidden;
        string file = Path.Combine(dir, "text_encoder", "model.onnx");
        var plain = RunEncoder(file, chunk.Ids, "hidden_states.0")["hidden_states.0"];
        var table = OnnxInitializers.Read(file, [ClipTextEncoder.TokenEmbeddingNames[0]]).Values.Single().Values;
        var vec = Vectors(2, 32, 1);
        var expected = plain.ToArray();
        for (int k = 0; k < 2; k++)
            for (int c = 0; c < 32; c++)
                expected[(fix.Offset + k) * 32 + c] = vec[k * 32 + c] + plain[(fix.Offset + k) * 32 + c] - table[rows[k] * 32 + c];
        AssertClose(expected, withTi, 1e-5, "hidden_states.0 with the embedding");
    }

    [Theory]
    [InlineData(TinyDialect.DiffusersFp32)]
    [InlineData(TinyDialect.Fp16)]
    public void The_engine_uses_embeddings_from_the_models_folder_and_records_their_hashes(TinyDialect dialect)
    {
        TinyModels.BuildSd15(_dir.Sub("models", "Stable-diffusion", "m"), dialect);
        string file = WriteEmbedding("my,style", 2, 32);
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Sub("models"), IntraOpThreads = 1 });
        var request = new GenerationRequest { Model = "m", Prompt = "a photo of my,style", Width = 64, Height = 64, Steps = 2, Seed = 1 };
        var with = engine.Generate(request).Images[0];
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))[..12];
        Assert.EndsWith($", Model: m, TI hashes: \"mystyle: {hash}\"", with.Infotext);

        File.Delete(file); // rescanned at the next generation: the name is plain text again
        var without = engine.Generate(request).Images[0];
        Assert.DoesNotContain("TI hashes", without.Infotext);
        Assert.NotEqual(Pixels(with.Png), Pixels(without.Png));
    }

    [Fact]
    public void Embeddings_of_another_width_are_not_triggered()
    {
        TinyModels.BuildSd21V(_dir.Sub("models", "Stable-diffusion", "sd2")); // 64-wide text encoder
        WriteEmbedding("mystyle", 2, 32);
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Sub("models"), IntraOpThreads = 1 });
        var r = engine.Generate(new GenerationRequest { Model = "sd2", Prompt = "mystyle", Width = 64, Height = 64, Steps = 1, Seed = 1 });
        Assert.DoesNotContain("TI hashes", r.Images[0].Infotext);
    }

    [Fact]
    public void Sdxl_embeddings_give_each_encoder_its_own_vectors()
    {
        string dir = TinyModels.BuildSdxl(_dir.Sub("xl"));
        string embeddings = _dir.Sub("emb");
        FileFormatTests.WriteSafetensors(Path.Combine(embeddings, "xlstyle.safetensors"),
            ("clip_g", "F16", [2, TinyModels.SdxlText2Width], Vectors(2, TinyModels.SdxlText2Width, 3)),
            ("clip_l", "F32", [2, TinyModels.SdxlTextWidth], Vectors(2, TinyModels.SdxlTextWidth, 2)));
        using var model = Load(dir, embeddings);
        var with = Build(model, "a xlstyle cat");
        var without = Build(model, "a cat");
        Assert.StartsWith("xlstyle: ", (string)with.InfotextExtras.Single(e => e.Key == "TI hashes").Value!);
        var a = with.Embeddings[0];
        var b = without.Embeddings[0];
        // Position 2 holds the first vector in the embedding and in the other text a different token: both halves change.
        int w = a.Width;
        Assert.True(Differs(a.Data.AsSpan(2 * w, TinyModels.SdxlTextWidth), b.Data.AsSpan(2 * w, TinyModels.SdxlTextWidth)));
        Assert.True(Differs(a.Data.AsSpan(2 * w + TinyModels.SdxlTextWidth, TinyModels.SdxlText2Width), b.Data.AsSpan(2 * w + TinyModels.SdxlTextWidth, TinyModels.SdxlText2Width)));
    }

    static bool Differs(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++) if (Math.Abs(a[i] - b[i]) > 1e-3) return true;
        return false;
    }
}
