using Google.Protobuf;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Tests.Pipelines;

namespace WebUI.Diffusion.Tests.Models;

/// <summary>Model discovery and the errors a broken model folder produces.</summary>
public sealed class ModelFolderTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine() =>
        new(new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 }, EngineServices.Default with { ImageOutput = new CapturingImageOutput() });

    string Model(string name, FakeModelSpec? spec = null) =>
        FakeModelFolder.Build(_dir.Sub("Stable-diffusion", name), spec ?? new FakeModelSpec());

    ModelFolderException LoadFails(string name)
    {
        using var engine = Engine();
        return Assert.Throws<ModelFolderException>(() => engine.LoadModel(name));
    }

    [Theory]
    [InlineData("unet/model.onnx")]
    [InlineData("text_encoder/model.onnx")]
    [InlineData("vae_decoder/model.onnx")]
    [InlineData("tokenizer/vocab.json")]
    [InlineData("tokenizer/merges.txt")]
    public void A_missing_part_is_named(string file)
    {
        var dir = Model("m");
        File.Delete(Path.Combine(dir, file));
        var e = LoadFails("m");
        Assert.Equal($"{file}: missing", e.Message);
        Assert.Equal(file, e.File);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_named()
    {
        var dir = Model("m");
        File.WriteAllText(Path.Combine(dir, "unet", "model.onnx"), "this is not a protobuf file at all");
        Assert.StartsWith("unet/model.onnx: not an ONNX model (", LoadFails("m").Message);
    }

    [Fact]
    public void Missing_external_weights_are_reported_against_the_model_file()
    {
        var dir = Model("m", new FakeModelSpec { ExternalData = "weights.pb" });
        File.Delete(Path.Combine(dir, "unet", "weights.pb"));
        Assert.StartsWith("unet/model.onnx: could not be loaded (", LoadFails("m").Message);
    }

    [Fact]
    public void A_unet_without_a_sample_input_is_named()
    {
        var dir = Model("m");
        File.WriteAllBytes(Path.Combine(dir, "unet", "model.onnx"), FakeUnet.Build(new FakeUnetSpec { SampleName = "latents" }).ToByteArray());
        Assert.Equal("unet: no input named 'sample' (inputs: latents, timestep, encoder_hidden_states)", LoadFails("m").Message);
    }

    [Fact]
    public void A_unet_whose_width_differs_from_the_text_encoder_is_rejected()
    {
        var dir = Model("m");
        File.WriteAllBytes(Path.Combine(dir, "unet", "model.onnx"), FakeUnet.Build(new FakeUnetSpec { TextWidth = 48 }).ToByteArray());
        File.WriteAllBytes(Path.Combine(dir, "text_encoder", "model.onnx"),
            FakeModelFolder.TextEncoder(WebUI.ModelForge.Onnx.ElementType.Int32, WebUI.ModelForge.Onnx.ElementType.Float, 32, false).ToByteArray());
        // The fake text encoder declares its width (32) statically, so this is caught at load.
        Assert.Equal("unet: 'encoder_hidden_states' is 48 wide but the text encoder produces 32", LoadFails("m").Message);
    }

    [Fact]
    public void Broken_json_configs_are_named()
    {
        var dir = Model("m");
        File.WriteAllText(Path.Combine(dir, "scheduler", "scheduler_config.json"), "{ nope");
        Assert.StartsWith("scheduler/scheduler_config.json: not valid JSON (", LoadFails("m").Message);
    }

    [Fact]
    public void Unsupported_prediction_type_is_named()
    {
        var dir = Model("m");
        File.WriteAllText(Path.Combine(dir, "scheduler", "scheduler_config.json"), """{"prediction_type": "sample"}""");
        Assert.Equal("scheduler/scheduler_config.json: prediction_type 'sample' is not supported (expected epsilon or v_prediction)", LoadFails("m").Message);
    }

    [Fact]
    public void Configs_give_prediction_type_schedule_and_vae_scale()
    {
        var dir = Model("v", new FakeModelSpec { Unet = new FakeUnetSpec { Prediction = PredictionType.VPrediction }, ScalingFactor = 0.13025 });
        var f = ModelFolder.Open(dir);
        Assert.Equal(PredictionType.VPrediction, f.Scheduler.PredictionType);
        Assert.Equal(0.13025, f.VaeScalingFactor);
        Assert.Equal(NoiseSchedule.Default.Sigmas, f.Scheduler.BuildSchedule().Sigmas);

        var plain = ModelFolder.Open(Model("e", new FakeModelSpec { ScalingFactor = null, ModelIndex = false }));
        Assert.Equal(ModelFolder.DefaultVaeScalingFactor, plain.VaeScalingFactor);
        Assert.Equal(PredictionType.Epsilon, plain.Scheduler.PredictionType);
    }

    [Fact]
    public void Vae_encoder_config_supplies_the_scale_when_the_decoder_has_none()
    {
        var dir = Model("m", new FakeModelSpec { ScalingFactor = null });
        File.WriteAllText(Path.Combine(dir, "vae_encoder", "config.json"), """{"scaling_factor": 0.5}""");
        Assert.Equal(0.5, ModelFolder.Open(dir).VaeScalingFactor);
    }

    [Fact]
    public void Family_comes_from_configs_and_prediction_type()
    {
        var dir = Model("m", new FakeModelSpec { Unet = new FakeUnetSpec { Prediction = PredictionType.VPrediction } });
        File.WriteAllText(Path.Combine(dir, "unet", "config.json"), """{"in_channels": 4, "cross_attention_dim": 1024}""");
        Assert.Equal("sd2-v", ModelFolder.Open(dir).Family);
        File.WriteAllText(Path.Combine(dir, "unet", "config.json"), """{"cross_attention_dim": 768}""");
        File.WriteAllText(Path.Combine(dir, "scheduler", "scheduler_config.json"), "{}");
        Assert.Equal("sd1", ModelFolder.Open(dir).Family);
    }

    [Fact]
    public void Scheduler_config_variants_build_valid_schedules()
    {
        string path = _dir.Sub("sched.json");
        File.WriteAllText(path, """{"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}""");
        var linear = SchedulerConfig.Load(path, "s").BuildSchedule();
        Assert.Equal(NoiseSchedule.Linear(0.0001, 0.02).Sigmas, linear.Sigmas);

        File.WriteAllText(path, """{"beta_schedule": "squaredcos_cap_v2"}""");
        var cosine = SchedulerConfig.Load(path, "s").BuildSchedule();
        Assert.True(cosine.AlphasCumprod[0] > 0.9999 && cosine.AlphasCumprod[^1] < 1e-3);

        File.WriteAllText(path, """{"rescale_betas_zero_snr": true}""");
        var zsnr = SchedulerConfig.Load(path, "s").BuildSchedule();
        Assert.Equal(Math.Pow(2, -24), zsnr.AlphasCumprod[^1]);
        Assert.Equal(NoiseSchedule.Default.AlphasCumprod[0], zsnr.AlphasCumprod[0], 12);

        File.WriteAllText(path, """{"beta_schedule": "sigmoid"}""");
        Assert.Contains("beta_schedule 'sigmoid' is not supported", Assert.Throws<ModelFolderException>(() => SchedulerConfig.Load(path, "s")).Message);
    }

    [Fact]
    public void Models_are_listed_and_resolved_by_name_title_and_path()
    {
        Model("alpha");
        Model(Path.Combine("sub", "beta"));
        Directory.CreateDirectory(_dir.Sub("Stable-diffusion", "not-a-model"));
        using var engine = Engine();
        var list = engine.ListModels();
        Assert.Equal(["alpha", "sub/beta"], list.Select(m => m.Name));
        Assert.All(list, m => Assert.Matches("^[0-9a-f]{10}$", m.Hash!));
        Assert.All(list, m => Assert.Equal("sd1", m.Family));

        var alpha = list[0];
        Assert.Equal(alpha.Path, engine.ResolveModel("alpha").Path);
        Assert.Equal(alpha.Path, engine.ResolveModel("ALPHA").Path);
        Assert.Equal(alpha.Path, engine.ResolveModel(alpha.Title).Path);
        Assert.Equal(alpha.Path, engine.ResolveModel(alpha.Path).Path);
        Assert.Equal(list[1].Path, engine.ResolveModel("beta").Path);
        Assert.Equal("Model not found: gamma", Assert.Throws<ModelNotFoundException>(() => engine.ResolveModel("gamma")).Message);

        var outside = FakeModelFolder.Build(_dir.Sub("elsewhere", "gamma"), new FakeModelSpec());
        Assert.Equal("gamma", engine.ResolveModel(outside).Name);
    }

    [Fact]
    public void The_hash_tells_different_unets_apart_and_is_stable()
    {
        var a = ModelFolder.Open(Model("a"));
        var b = ModelFolder.Open(Model("b", new FakeModelSpec { Unet = new FakeUnetSpec { Prediction = PredictionType.VPrediction } }));
        Assert.Equal(a.ComputeHash(), ModelFolder.Open(a.Path).ComputeHash());
        Assert.NotEqual(a.ComputeHash(), b.ComputeHash());
    }

    [Fact]
    public void Hidden_state_outputs_are_found_in_layer_order()
    {
        var dir = Model("m", new FakeModelSpec { HiddenStates = true, TextIds = WebUI.ModelForge.Onnx.ElementType.Int64 });
        var folder = ModelFolder.Open(dir);
        using var te = TextEncoderModel.Create(new OnnxSessionFactory(new EngineOptions()).Open(folder, ModelFolder.TextEncoder));
        Assert.Equal(["hidden_states.0", "hidden_states.1", "hidden_states.2"], te.HiddenStateOutputs);
        Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64, te.IdType);
        Assert.Equal(32, te.Width);
    }

    [Theory]
    [InlineData("Auto", "Cpu")]
    [InlineData("cpu", "Cpu")]
    public void Execution_provider_selection_on_a_cpu_build(string requested, string active)
    {
        var f = new OnnxSessionFactory(new EngineOptions { ExecutionProvider = requested });
        Assert.Equal(active, f.ActiveProvider);
        Assert.Contains("CPUExecutionProvider", f.AvailableProviders);
    }

    [Fact]
    public void Unbuilt_or_unknown_execution_providers_are_rejected()
    {
        Assert.Contains("needs a build with -p:WebUIExecutionProvider=Cuda",
            Assert.Throws<ArgumentException>(() => new OnnxSessionFactory(new EngineOptions { ExecutionProvider = "Cuda" })).Message);
        Assert.Contains("Unknown ExecutionProvider 'Metal'",
            Assert.Throws<ArgumentException>(() => new OnnxSessionFactory(new EngineOptions { ExecutionProvider = "Metal" })).Message);
    }
}
