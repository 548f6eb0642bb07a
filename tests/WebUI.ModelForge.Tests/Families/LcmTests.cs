using System.Text.Json;
using WebUI.ModelForge.Tests.Architectures;
using static WebUI.ModelForge.Tests.Families.FamilyIo;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>The tiny LCM-distilled UNet (diffusion-reference §3.16, §8.6): the timestep_cond input and the LCM scheduler config.</summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class LcmTests(TinyFamilies families)
{
    const int CondDim = 256;

    [Fact]
    public void UnetDeclaresTimestepCondAndTheConfigSaysSo()
    {
        var dir = families.Lcm();
        using (var unet = Open(dir, "unet"))
        {
            AssertIo(unet.InputMetadata,
                new Io("sample", F32, "batch_size", 4, "height", "width"),
                new Io("timestep", F32),
                new Io("encoder_hidden_states", F32, "batch_size", "sequence_length", 32),
                new Io("timestep_cond", F32, "batch_size", CondDim));
            AssertIo(unet.OutputMetadata, new Io("out_sample", F32, "batch_size", 4, "height", "width"));
        }
        Assert.Equal(CondDim, Json(dir, "unet/config.json").GetProperty("time_cond_proj_dim").GetInt32());
        Assert.Equal(JsonValueKind.Null, Json(dir, "unet/config.json").GetProperty("addition_embed_type").ValueKind);

        var scheduler = Json(dir, "scheduler/scheduler_config.json");
        Assert.Equal("LCMScheduler", scheduler.GetProperty("_class_name").GetString());
        Assert.Equal(50, scheduler.GetProperty("original_inference_steps").GetInt32());
        Assert.Equal(10.0, scheduler.GetProperty("timestep_scaling").GetDouble());
        Assert.True(scheduler.GetProperty("set_alpha_to_one").GetBoolean());
        Assert.Equal("epsilon", scheduler.GetProperty("prediction_type").GetString());
        Assert.Equal(0.00085, scheduler.GetProperty("beta_start").GetDouble());
        Assert.Equal("LatentConsistencyModelPipeline", Json(dir, "model_index.json").GetProperty("_class_name").GetString());
    }

    [Fact]
    public void GuidanceEmbeddingHelperMatchesTheReferenceVector()
    {
        var emb = UnetInputs.GuidanceEmbedding(7.5, CondDim);
        Assert.Equal(-0.8512358993, emb[0], 6);
        Assert.Equal(0.8422281421, emb[1], 6);
        Assert.Equal(-0.5247832349, emb[128], 6);
        Assert.Equal(0.7316888689, emb[255], 6);
    }

    [Fact]
    public void UnetRunsAtBatchOneAndTwoAndFollowsTheGuidanceEmbedding()
    {
        using var unet = Open(families.Lcm(), "unet");
        foreach (int batch in (int[])[1, 2])
        {
            var result = new UnetInputs(batch).Run(unet);
            Assert.Equal([batch, 4, 8, 8], result.Shape);
            DialectIoTests.AssertFiniteAndBounded(result.Data, 100);
        }
        var baseline = new UnetInputs().Run(unet).Data;
        var otherW = new UnetInputs { TimestepCond = UnetInputs.GuidanceEmbedding(1.0, CondDim) }.Run(unet).Data;
        Assert.True(DialectIoTests.MaxAbsDiff(baseline, otherW) > 1e-3, "timestep_cond does not reach the output");

        // Per row: changing row 1's w leaves row 0 untouched.
        const int n = 4 * 8 * 8;
        var w75 = UnetInputs.GuidanceEmbedding(7.5, CondDim);
        var pair = new UnetInputs(2) { TimestepCond = [.. w75, .. w75] }.Run(unet).Data;
        var mixed = new UnetInputs(2) { TimestepCond = [.. w75, .. UnetInputs.GuidanceEmbedding(3.0, CondDim)] }.Run(unet).Data;
        Assert.True(DialectIoTests.MaxAbsDiff(pair[..n], mixed[..n]) < 1e-5);
        Assert.True(DialectIoTests.MaxAbsDiff(pair[n..], mixed[n..]) > 1e-3);
    }

    /// <summary>The rest of the folder is SD 1.5 Optimum: a text encoder with hidden states, latent_parameters.</summary>
    [Fact]
    public void OtherPartsAreTheSd15OptimumParts()
    {
        var dir = families.Lcm();
        using var te = Open(dir, "text_encoder");
        Assert.Contains("hidden_states.2", te.OutputMetadata.Keys);
        using var enc = Open(dir, "vae_encoder");
        Assert.Contains("latent_parameters", enc.OutputMetadata.Keys);
        Assert.Equal(0.18215, Json(dir, "vae_decoder/config.json").GetProperty("scaling_factor").GetDouble(), 6);
    }
}
