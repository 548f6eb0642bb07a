using Microsoft.ML.OnnxRuntime.Tensors;
using WebUI.ModelForge.Tests.Architectures;
using static WebUI.ModelForge.Tests.Families.FamilyIo;

namespace WebUI.ModelForge.Tests.Families;

/// <summary>
/// Tiny SDXL base and refiner (diffusion-reference §6b): the Optimum I/O table, the configs' widths agreeing with the
/// graphs, and the conditioning path (penultimate hidden states of both encoders, text_embeds, time_ids) wired.
/// </summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class SdxlTests(TinyFamilies families)
{
    // The tiny widths, written out here independently of the builder: D1, D2, P, addition_time_embed_dim.
    const int D1 = 32, D2 = 64, P = 64, TimeEmbedDim = 16;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DeclaredInputsAndOutputsMatchTheOptimumSdxlTable(bool refiner)
    {
        var dir = families.Sdxl(refiner);
        if (!refiner)
        {
            using var te1 = Open(dir, "text_encoder");
            AssertIo(te1.InputMetadata, new Io("input_ids", I64, "batch_size", "sequence_length"));
            AssertIo(te1.OutputMetadata, [new Io("last_hidden_state", F32, "batch_size", "sequence_length", D1),
                new Io("pooler_output", F32, "batch_size", D1), .. HiddenStates(2, D1)]);
        }
        else Assert.False(Directory.Exists(Path.Combine(dir, "text_encoder")), "the refiner has no first text encoder");

        using (var te2 = Open(dir, "text_encoder_2"))
        {
            AssertIo(te2.InputMetadata, new Io("input_ids", I64, "batch_size", "sequence_length"));
            AssertIo(te2.OutputMetadata, [new Io("text_embeds", F32, "batch_size", P),
                new Io("last_hidden_state", F32, "batch_size", "sequence_length", D2), .. HiddenStates(3, D2)]);
            Assert.Equal("text_embeds", te2.OutputNames[0]);
        }
        using (var unet = Open(dir, "unet"))
        {
            AssertIo(unet.InputMetadata,
                new Io("sample", F32, "batch_size", 4, "height", "width"),
                new Io("timestep", F32),
                new Io("encoder_hidden_states", F32, "batch_size", "sequence_length", refiner ? D2 : D1 + D2),
                new Io("text_embeds", F32, "batch_size", P),
                new Io("time_ids", F32, "batch_size", refiner ? 5 : 6));
            AssertIo(unet.OutputMetadata, new Io("out_sample", F32, "batch_size", 4, "height", "width"));
            Assert.Equal(["sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids"], unet.InputNames);
        }
        using (var dec = Open(dir, "vae_decoder"))
            AssertIo(dec.InputMetadata, new Io("latent_sample", F32, "batch_size", 4, "latent_height", "latent_width"));
        using (var enc = Open(dir, "vae_encoder"))
            AssertIo(enc.OutputMetadata, new Io("latent_parameters", F32, "batch_size", 8, "latent_height", "latent_width"));
        Assert.True(File.Exists(Path.Combine(dir, "unet", "model.onnx_data")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConfigsAgreeWithTheGraphs(bool refiner)
    {
        var dir = families.Sdxl(refiner);
        var unet = Json(dir, "unet/config.json");
        int n = refiner ? 5 : 6;
        Assert.Equal(refiner ? D2 : D1 + D2, unet.GetProperty("cross_attention_dim").GetInt32());
        Assert.Equal("text_time", unet.GetProperty("addition_embed_type").GetString());
        Assert.Equal(TimeEmbedDim, unet.GetProperty("addition_time_embed_dim").GetInt32());
        Assert.Equal(P + n * TimeEmbedDim, unet.GetProperty("projection_class_embeddings_input_dim").GetInt32());
        Assert.Equal(4, unet.GetProperty("in_channels").GetInt32());
        Assert.True(unet.GetProperty("use_linear_projection").GetBoolean());

        var te2 = Json(dir, "text_encoder_2/config.json");
        Assert.Equal("CLIPTextModelWithProjection", te2.GetProperty("architectures")[0].GetString());
        Assert.Equal(P, te2.GetProperty("projection_dim").GetInt32());
        Assert.Equal(D2, te2.GetProperty("hidden_size").GetInt32());
        Assert.Equal(3, te2.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal("gelu", te2.GetProperty("hidden_act").GetString());
        if (!refiner)
        {
            var te1 = Json(dir, "text_encoder/config.json");
            Assert.Equal("CLIPTextModel", te1.GetProperty("architectures")[0].GetString());
            Assert.Equal(D1, te1.GetProperty("hidden_size").GetInt32());
            Assert.Equal("quick_gelu", te1.GetProperty("hidden_act").GetString());
        }
        foreach (var vae in (string[])["vae_encoder/config.json", "vae_decoder/config.json"])
        {
            Assert.Equal(0.13025, Json(dir, vae).GetProperty("scaling_factor").GetDouble(), 6);
            Assert.True(Json(dir, vae).GetProperty("force_upcast").GetBoolean());
        }

        var index = Json(dir, "model_index.json");
        Assert.Equal(refiner ? "StableDiffusionXLImg2ImgPipeline" : "StableDiffusionXLPipeline", index.GetProperty("_class_name").GetString());
        Assert.Equal(!refiner, index.GetProperty("force_zeros_for_empty_prompt").GetBoolean());
        Assert.Equal("CLIPTextModelWithProjection", index.GetProperty("text_encoder_2")[1].GetString());
        Assert.Equal(refiner, index.GetProperty("text_encoder")[0].ValueKind == System.Text.Json.JsonValueKind.Null);
        if (refiner) Assert.True(index.GetProperty("requires_aesthetics_score").GetBoolean());

        var scheduler = Json(dir, "scheduler/scheduler_config.json");
        Assert.Equal("EulerDiscreteScheduler", scheduler.GetProperty("_class_name").GetString());
        Assert.Equal("leading", scheduler.GetProperty("timestep_spacing").GetString());
        Assert.Equal(1, scheduler.GetProperty("steps_offset").GetInt32());
        Assert.Equal("epsilon", scheduler.GetProperty("prediction_type").GetString());
    }

    [Fact]
    public void TokenizersPadAsClipLAndBigG()
    {
        var dir = families.Sdxl();
        Assert.Equal("<|endoftext|>", Json(dir, "tokenizer/special_tokens_map.json").GetProperty("pad_token").GetString());
        Assert.Equal("!", Json(dir, "tokenizer_2/special_tokens_map.json").GetProperty("pad_token").GetString());
        Assert.Equal(0, Json(dir, "tokenizer_2/vocab.json").GetProperty("!").GetInt32());
        Assert.Equal(Json(dir, "tokenizer/vocab.json").ToString(), Json(dir, "tokenizer_2/vocab.json").ToString());
        Assert.False(Directory.Exists(Path.Combine(families.Sdxl(refiner: true), "tokenizer")));
        Assert.True(File.Exists(Path.Combine(families.Sdxl(refiner: true), "tokenizer_2", "merges.txt")));
    }

    /// <summary>text_embeds = text_projection(final state at the first EOS), even with "!" (id 0) padding after it.</summary>
    [Fact]
    public void TextEmbedsAreTheProjectedPooledState()
    {
        var dir = families.Sdxl();
        using var te2 = Open(dir, "text_encoder_2");
        var outs = Encode(te2, dir, batch: 2, pad: 0);
        Assert.Equal([2, P], outs["text_embeds"].Shape);
        var model = OnnxFile.Load(Path.Combine(dir, "text_encoder_2", "model.onnx"));
        var projection = OnnxFile.Floats(OnnxFile.Initializer(model, "text_projection.weight"), dir); // [D2, P], pre-transposed
        var last = outs["last_hidden_state"].Data;
        for (int b = 0; b < 2; b++)
        {
            int eosPosition = 4 + b; // TokenRows: BOS + (3 + b) words, then EOS
            for (int j = 0; j < P; j++)
            {
                double expected = 0;
                for (int i = 0; i < D2; i++) expected += last[(b * 77 + eosPosition) * D2 + i] * projection[i * P + j];
                Assert.Equal(expected, outs["text_embeds"].Data[b * P + j], 4);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryPartRunsAtBatchOneAndTwo(bool refiner)
    {
        var dir = families.Sdxl(refiner);
        foreach (int batch in (int[])[1, 2])
        {
            foreach (var part in refiner ? (string[])["text_encoder_2"] : ["text_encoder", "text_encoder_2"])
            {
                using var te = Open(dir, part);
                foreach (var (name, o) in Encode(te, dir, batch, pad: part == "text_encoder_2" ? 0 : null))
                {
                    Assert.Equal(batch, o.Shape[0]);
                    DialectIoTests.AssertFiniteAndBounded(o.Data, 50);
                }
            }
            using (var unet = Open(dir, "unet"))
                foreach (var (h, w) in new[] { (8, 8), (6, 10) })
                {
                    var result = new UnetInputs(batch, h, w).Run(unet);
                    Assert.Equal([batch, 4, h, w], result.Shape);
                    DialectIoTests.AssertFiniteAndBounded(result.Data, 100);
                }
            using (var dec = Open(dir, "vae_decoder"))
            {
                var image = Ort.Run(dec, ("latent_sample", Ort.Tensor(F32, Ort.Noise(batch * 4 * 64, 9), [batch, 4, 8, 8])))["sample"];
                Assert.Equal([batch, 3, 64, 64], image.Shape);
                DialectIoTests.AssertFiniteAndBounded(image.Data, 10);
            }
            using (var enc = Open(dir, "vae_encoder"))
            {
                var moments = Ort.Run(enc, ("sample", Ort.Tensor(F32, Ort.Noise(batch * 3 * 64 * 64, 9), [batch, 3, 64, 64])))["latent_parameters"];
                Assert.Equal([batch, 8, 8, 8], moments.Shape);
                DialectIoTests.AssertFiniteAndBounded(moments.Data, 100);
            }
        }
    }

    /// <summary>The add-embedding is wired: the output follows text_embeds and every time_id (the refiner's aesthetic score too).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnetOutputFollowsTextEmbedsAndTimeIds(bool refiner)
    {
        using var unet = Open(families.Sdxl(refiner), "unet");
        var inputs = new UnetInputs();
        var baseline = inputs.Run(unet).Data;
        Assert.Equal(baseline, inputs.Run(unet).Data);
        Assert.True(DialectIoTests.MaxAbsDiff(baseline, (inputs with { TextEmbeds = Ort.Noise(P, 77, 1.5) }).Run(unet).Data) > 1e-3,
            "text_embeds do not reach the output");
        double[] ids = refiner ? [64, 64, 0, 0, 6.0] : [64, 64, 0, 0, 64, 64];
        for (int k = 0; k < ids.Length; k++)
        {
            var changed = (double[])ids.Clone();
            changed[k] = k == 4 && refiner ? 2.5 : changed[k] + 32; // the refiner's negative aesthetic score
            Assert.True(DialectIoTests.MaxAbsDiff(baseline, (inputs with { TimeIds = changed }).Run(unet).Data) > 1e-4,
                $"time_ids[{k}] does not reach the output");
        }
        Assert.True(DialectIoTests.MaxAbsDiff(baseline, (inputs with { Timestep = 100 }).Run(unet).Data) > 1e-3);
        Assert.True(DialectIoTests.MaxAbsDiff(baseline, (inputs with { ContextSeed = 4 }).Run(unet).Data) > 1e-3);
    }

    /// <summary>Each batch row takes its own text_embeds and time_ids (CFG order [negative, positive] relies on it).</summary>
    [Fact]
    public void BatchRowsKeepTheirOwnAddedConditioning()
    {
        using var unet = Open(families.Sdxl(), "unet");
        const int n = 4 * 8 * 8;
        double[] ids = [64, 64, 0, 0, 64, 64], otherIds = [128, 96, 16, 0, 64, 64];
        var pair = new UnetInputs(2) { TimeIds = [.. ids, .. ids] }.Run(unet).Data;
        var changed = new UnetInputs(2) { TimeIds = [.. ids, .. otherIds] }.Run(unet).Data;
        Assert.True(DialectIoTests.MaxAbsDiff(pair[..n], changed[..n]) < 1e-5, "row 1's time_ids leak into row 0");
        Assert.True(DialectIoTests.MaxAbsDiff(pair[n..], changed[n..]) > 1e-4);
    }

    /// <summary>
    /// The SDXL conditioning recipe runs end to end: encoder_hidden_states = TE1.hidden_states[−2] ‖ TE2.hidden_states[−2]
    /// (hidden_states.1 of 2 layers, hidden_states.2 of 3), text_embeds from TE2.
    /// </summary>
    [Fact]
    public void PenultimateStatesOfBothEncodersFeedTheUnet()
    {
        var dir = families.Sdxl();
        using var te1 = Open(dir, "text_encoder");
        using var te2 = Open(dir, "text_encoder_2");
        using var unet = Open(dir, "unet");
        var a = Encode(te1, dir, 1)["hidden_states.1"];
        var b = Encode(te2, dir, 1, pad: 0);
        var context = new double[77 * (D1 + D2)];
        for (int t = 0; t < 77; t++)
        {
            for (int i = 0; i < D1; i++) context[t * (D1 + D2) + i] = a.Data[t * D1 + i];
            for (int i = 0; i < D2; i++) context[t * (D1 + D2) + D1 + i] = b["hidden_states.2"].Data[t * D2 + i];
        }
        var outs = Ort.Run(unet,
            ("sample", Ort.Tensor(F32, Ort.Noise(4 * 64, 1), [1, 4, 8, 8])),
            ("timestep", Ort.Tensor(F32, [999], [])),
            ("encoder_hidden_states", Ort.Tensor(F32, context, [1, 77, D1 + D2])),
            ("text_embeds", Ort.Tensor(F32, b["text_embeds"].Data.Select(v => (double)v).ToArray(), [1, P])),
            ("time_ids", Ort.Tensor(F32, [64, 64, 0, 0, 64, 64], [1, 6])));
        Assert.Equal([1, 4, 8, 8], outs["out_sample"].Shape);
        DialectIoTests.AssertFiniteAndBounded(outs["out_sample"].Data, 100);
    }
}
