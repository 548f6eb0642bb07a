using System.Text.Json;
using Onnx;

namespace WebUI.ModelForge.Tests.Architectures;

/// <summary>The files around the graphs: external data, JSON configs, model index, scheduler, SD 2.1-v specifics.</summary>
[Collection(TinyFamiliesCollection.Name)]
public sealed class FolderLayoutTests(TinyFamilies families)
{
    static JsonElement Json(string dir, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, file))).RootElement;

    [Theory]
    [InlineData(TinyDialect.DiffusersFp32, "weights.pb", TensorProto.Types.DataType.Float)]
    [InlineData(TinyDialect.OptimumFp32, "model.onnx_data", TensorProto.Types.DataType.Float)]
    [InlineData(TinyDialect.Fp16, "weights.pb", TensorProto.Types.DataType.Float16)]
    public void UnetWeightsLiveInTheDialectsExternalDataFile(TinyDialect dialect, string dataFile, TensorProto.Types.DataType weightType)
    {
        var unetDir = Path.Combine(families.Sd15(dialect), "unet");
        var model = OnnxFile.Load(Path.Combine(unetDir, "model.onnx"));
        long fileLength = new FileInfo(Path.Combine(unetDir, dataFile)).Length;
        var external = model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.True(external.Count > 50, $"only {external.Count} external tensors");
        long referenced = 0;
        foreach (var t in external)
        {
            Assert.Equal(dataFile, OnnxFile.External(t, "location"));
            long offset = long.Parse(OnnxFile.External(t, "offset")!), length = long.Parse(OnnxFile.External(t, "length")!);
            Assert.Equal(0, offset % 4096);
            Assert.True(offset + length <= fileLength);
            Assert.Equal(length, t.Dims.Aggregate(1L, (a, d) => a * d) * (weightType == TensorProto.Types.DataType.Float16 ? 2 : 4));
            Assert.Equal((int)weightType, t.DataType);
            referenced += length;
        }
        Assert.True(referenced > fileLength * 0.8, "the data file holds mostly unreferenced bytes");
        Assert.Contains(external, t => t.Name == "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight");
        // The other parts are inline, as the exporters leave them.
        foreach (var part in (string[])["text_encoder", "vae_encoder", "vae_decoder"])
            Assert.DoesNotContain(OnnxFile.Load(Path.Combine(families.Sd15(dialect), part, "model.onnx")).Graph.Initializer,
                t => t.DataLocation == TensorProto.Types.DataLocation.External);
    }

    [Fact]
    public void OptimumWritesComponentConfigs()
    {
        var dir = families.Sd15(TinyDialect.OptimumFp32);
        var unet = Json(dir, "unet/config.json");
        Assert.Equal(4, unet.GetProperty("in_channels").GetInt32());
        Assert.Equal(32, unet.GetProperty("cross_attention_dim").GetInt32());
        Assert.Equal(JsonValueKind.Null, unet.GetProperty("time_cond_proj_dim").ValueKind);
        foreach (var vae in (string[])["vae_encoder/config.json", "vae_decoder/config.json"])
        {
            Assert.Equal(0.18215, Json(dir, vae).GetProperty("scaling_factor").GetDouble(), 6);
            Assert.Equal(4, Json(dir, vae).GetProperty("latent_channels").GetInt32());
        }
        var text = Json(dir, "text_encoder/config.json");
        int vocabCount = Json(dir, "tokenizer/vocab.json").EnumerateObject().Count();
        Assert.Equal(vocabCount, text.GetProperty("vocab_size").GetInt32());
        Assert.Equal(2, text.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal("quick_gelu", text.GetProperty("hidden_act").GetString());
        Assert.Equal("StableDiffusionPipeline", Json(dir, "model_index.json").GetProperty("_class_name").GetString());
    }

    [Fact]
    public void DiffusersIndexAndSd15Scheduler()
    {
        var dir = families.Sd15(TinyDialect.DiffusersFp32);
        var index = Json(dir, "model_index.json");
        Assert.Equal("OnnxStableDiffusionPipeline", index.GetProperty("_class_name").GetString());
        Assert.Equal("OnnxRuntimeModel", index.GetProperty("unet")[1].GetString());
        var scheduler = Json(dir, "scheduler/scheduler_config.json");
        Assert.Equal("PNDMScheduler", scheduler.GetProperty("_class_name").GetString());
        Assert.Equal("scaled_linear", scheduler.GetProperty("beta_schedule").GetString());
        Assert.Equal(0.00085, scheduler.GetProperty("beta_start").GetDouble());
        Assert.Equal(0.012, scheduler.GetProperty("beta_end").GetDouble());
        Assert.False(scheduler.TryGetProperty("prediction_type", out _)); // SD 1.5 ships none: readers default to epsilon
        var special = Json(dir, "tokenizer/special_tokens_map.json");
        Assert.Equal("<|endoftext|>", special.GetProperty("pad_token").GetString());
        Assert.Equal("<|startoftext|>", special.GetProperty("bos_token").GetProperty("content").GetString());
        Assert.Equal(77, Json(dir, "tokenizer/tokenizer_config.json").GetProperty("model_max_length").GetInt32());
    }

    [Fact]
    public void Sd21VIsVPredictionWithBangPaddingAndLinearProjections()
    {
        var dir = families.Sd21V();
        var scheduler = Json(dir, "scheduler/scheduler_config.json");
        Assert.Equal("v_prediction", scheduler.GetProperty("prediction_type").GetString());
        Assert.Equal("DDIMScheduler", scheduler.GetProperty("_class_name").GetString());
        Assert.Equal(0, Json(dir, "tokenizer/vocab.json").GetProperty("!").GetInt32());
        Assert.Equal("!", Json(dir, "tokenizer/special_tokens_map.json").GetProperty("pad_token").GetString());
        Assert.Equal("!", Json(dir, "tokenizer/tokenizer_config.json").GetProperty("pad_token").GetString());

        var unetModel = OnnxFile.Load(Path.Combine(dir, "unet", "model.onnx"));
        Assert.Equal(2, OnnxFile.Initializer(unetModel, "down_blocks.0.attentions.0.proj_in.weight").Dims.Count); // Linear, not 1×1 conv
        var textModel = OnnxFile.Load(Path.Combine(dir, "text_encoder", "model.onnx"));
        Assert.Contains(textModel.Graph.Node, n => n.OpType == "Erf"); // GELU, not quick_gelu

        using var te = Ort.Load(Path.Combine(dir, "text_encoder", "model.onnx"));
        using var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx"));
        int eos = DialectIoTests.TokenizerEos(dir);
        var ids = DialectIoTests.TokenRows(2, eos);
        for (int i = 0; i < ids.Length; i++) if (i % 77 > 6 && ids[i] == eos) ids[i] = 0; // SD 2 pads with "!" after the EOS
        var states = Ort.Run(te, ("input_ids", Ort.Tensor(te.InputMetadata["input_ids"].ElementDataType, ids, [2, 77])))["last_hidden_state"];
        Assert.Equal([2, 77, 64], states.Shape);
        Assert.Equal(64, unet.InputMetadata["encoder_hidden_states"].Dimensions[2]);
        var result = DialectIoTests.RunUnet(unet, 2, 12, 12, timestep: 700, contextSeed: 2);
        Assert.Equal([2, 4, 12, 12], result.Shape);
        DialectIoTests.AssertFiniteAndBounded(result.Data, 100);
    }

    [Fact]
    public void SameSeedSameWeightsOtherSeedOtherWeights()
    {
        using var temp = new TempDir();
        var a = TinyModels.BuildSd15(temp.Sub("a"), TinyDialect.DiffusersFp32, seed: 7);
        var b = TinyModels.BuildSd15(temp.Sub("b"), TinyDialect.DiffusersFp32, seed: 7);
        var c = TinyModels.BuildSd15(temp.Sub("c"), TinyDialect.DiffusersFp32, seed: 8);
        foreach (var file in (string[])["unet/weights.pb", "text_encoder/model.onnx", "vae_decoder/model.onnx"])
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(c, file)));
        }
        long size = new DirectoryInfo(a).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.InRange(size, 1 << 20, 8 << 20); // tiny: a few MB
    }

    [Fact]
    public void RebuildingInAnotherDialectLeavesNoStaleFiles()
    {
        using var temp = new TempDir();
        var dir = TinyModels.BuildSd15(temp.Sub("m"), TinyDialect.OptimumFp32);
        Assert.True(File.Exists(Path.Combine(dir, "unet", "model.onnx_data")));
        TinyModels.BuildSd15(dir, TinyDialect.DiffusersFp32);
        Assert.False(File.Exists(Path.Combine(dir, "unet", "model.onnx_data")));
        Assert.False(File.Exists(Path.Combine(dir, "unet", "config.json")));
        Assert.True(File.Exists(Path.Combine(dir, "unet", "weights.pb")));
        using var unet = Ort.Load(Path.Combine(dir, "unet", "model.onnx"));
        Assert.Single(unet.InputMetadata["timestep"].Dimensions);
    }
}
