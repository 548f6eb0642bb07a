using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Tests.Pipelines;
using WebUI.ModelForge;
using static WebUI.Diffusion.Tests.Conditioning.ConditioningHelpers;

namespace WebUI.Diffusion.Tests.Conditioning;

/// <summary>
/// A1111's clip skip (a1111-reference §4.3): SD 1.x conditions on final_layer_norm(hidden_states[−N]); SD 2.x ignores
/// it; an export without hidden states cannot do it and says so. Checked on the tiny SD 1.5 in the Optimum dialect,
/// whose last_hidden_state is the graph's own final LayerNorm of hidden_states.2.
/// </summary>
public sealed class ClipSkipTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static int[] ChunkOf(DiffusionModel model, string text)
    {
        var tok = model.Conditioner.Tokenizer;
        var ids = new List<int> { tok.BosId };
        ids.AddRange(tok.Encode(text));
        while (ids.Count < 77) ids.Add(tok.EosId);
        return ids.ToArray();
    }

    [Fact]
    public void The_final_layer_norm_read_from_the_model_reproduces_last_hidden_state()
    {
        string dir = TinyModels.BuildSd15(_dir.Sub("opt"), TinyDialect.OptimumFp32);
        using var model = Load(dir);
        var encoder = model.Conditioner.Encoders.Single();
        Assert.Equal(["hidden_states.0", "hidden_states.1", "hidden_states.2"], encoder.HiddenStates);
        var norm = encoder.FinalNorm(out var problem);
        Assert.NotNull(norm);
        Assert.Null(problem);

        var outputs = RunEncoder(Path.Combine(dir, "text_encoder", "model.onnx"), ChunkOf(model, "a photo of a cat"),
            "last_hidden_state", "hidden_states.1", "hidden_states.2");
        var top = outputs["hidden_states.2"].ToArray();
        norm.Apply(top);
        AssertClose(outputs["last_hidden_state"], top, 2e-5, "LayerNorm(hidden_states.2) vs last_hidden_state");

        // Clip skip 2 = LayerNorm(hidden_states.1), different from clip skip 1.
        var penultimate = outputs["hidden_states.1"].ToArray();
        norm.Apply(penultimate);
        var skip2 = Build(model, "a photo of a cat", clipSkip: 2).Embeddings[0].Data;
        AssertClose(penultimate, skip2, 2e-5, "clip skip 2");
        var skip1 = Build(model, "a photo of a cat").Embeddings[0].Data;
        AssertClose(outputs["last_hidden_state"], skip1, 2e-5, "clip skip 1");
        Assert.True(skip1.Zip(skip2).Max(p => Math.Abs(p.First - p.Second)) > 1e-2);
    }

    [Fact]
    public void Impossible_clip_skips_fail_with_the_reason()
    {
        using var optimum = Load(TinyModels.BuildSd15(_dir.Sub("opt"), TinyDialect.OptimumFp32));
        Build(optimum, "a cat", clipSkip: 3); // hidden_states.0: the embeddings, still possible
        var tooDeep = Assert.Throws<ArgumentException>(() => Build(optimum, "a cat", clipSkip: 4));
        Assert.Contains("more than this text encoder's 2 layers", tooDeep.Message);

        using var diffusers = Load(TinyModels.BuildSd15(_dir.Sub("diff"), TinyDialect.DiffusersFp32));
        var noStates = Assert.Throws<ArgumentException>(() => Build(diffusers, "a cat", clipSkip: 2));
        Assert.Contains("only has last_hidden_state", noStates.Message);
    }

    [Fact]
    public void The_engine_records_clip_skip_and_reports_when_a_model_ignores_it()
    {
        TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "opt"), TinyDialect.OptimumFp32);
        TinyModels.BuildSd21V(_dir.Sub("Stable-diffusion", "sd2"));
        using var engine = new GenerationEngine(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 });
        var request = new GenerationRequest { Model = "opt", Prompt = "a cat", Width = 64, Height = 64, Steps = 2, Seed = 1 };
        var one = engine.Generate(request);
        var two = engine.Generate(request with { ClipSkip = 2 });
        Assert.DoesNotContain("Clip skip", one.Images[0].Infotext);
        Assert.EndsWith(", Model: opt, Clip skip: 2", two.Images[0].Infotext);
        Assert.NotEqual(Pixels(one.Images[0].Png), Pixels(two.Images[0].Png));
        Assert.Empty(two.Warnings);

        var sd2 = engine.Generate(request with { Model = "sd2", ClipSkip = 2 });
        Assert.Equal("Clip skip 2 is ignored for SD 2.x models, as in A1111 (its OpenCLIP encoder has no clip skip).", sd2.Warnings.Single());
        Assert.Equal(Pixels(engine.Generate(request with { Model = "sd2" }).Images[0].Png), Pixels(sd2.Images[0].Png));

        Assert.Contains("Clip skip must be between 1 and 12", Assert.Throws<ArgumentException>(() => engine.Generate(request with { ClipSkip = 13 })).Message);
    }
}
