using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WebUI.ModelForge.Demo;

namespace WebUI.ModelForge.Tests.Demo;

/// <summary>Builds the demo model once for all demo tests into a temp folder and opens its parts with ONNX Runtime.</summary>
public sealed class DemoFixture : IDisposable
{
    public string Root { get; }
    public float[] Latents { get; }
    public double BuildSeconds { get; }
    internal ClipBpe Tokenizer { get; }
    public InferenceSession TextEncoder { get; }
    public InferenceSession Unet { get; }
    public InferenceSession VaeDecoder { get; }
    public InferenceSession VaeEncoder { get; }
    public int BosId { get; }
    public int EosId { get; }
    public int K => DemoGallery.Scenes.Count;
    public const int Size = DemoGallery.LatentSize;

    public DemoFixture()
    {
        Environment.SetEnvironmentVariable("ORT_DISABLE_TELEMETRY", "1");
        Root = Path.Combine(Path.GetTempPath(), "webui-demo-test-" + Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        DemoModel.Build(Root, null, out var latents);
        BuildSeconds = clock.Elapsed.TotalSeconds;
        Latents = latents;
        Tokenizer = ClipBpe.FromFiles(Path.Combine(Root, "tokenizer", "vocab.json"), Path.Combine(Root, "tokenizer", "merges.txt"));
        var vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Root, "tokenizer", "vocab.json")))!;
        BosId = vocab["<|startoftext|>"];
        EosId = vocab["<|endoftext|>"];
        var options = new SessionOptions { IntraOpNumThreads = 1 };
        TextEncoder = new InferenceSession(Path.Combine(Root, "text_encoder", "model.onnx"), options);
        Unet = new InferenceSession(Path.Combine(Root, "unet", "model.onnx"), options);
        VaeDecoder = new InferenceSession(Path.Combine(Root, "vae_decoder", "model.onnx"), options);
        VaeEncoder = new InferenceSession(Path.Combine(Root, "vae_encoder", "model.onnx"), options);
    }

    /// <summary>SD 1.x prompt ids: BOS, the tokens, EOS, then EOS padding to 77.</summary>
    public int[] PromptIds(string prompt)
    {
        var ids = Enumerable.Repeat(EosId, 77).ToArray();
        ids[0] = BosId;
        var tokens = Tokenizer.Encode(prompt);
        tokens.CopyTo(ids, 1);
        ids[1 + tokens.Length] = EosId;
        return ids;
    }

    /// <summary>Runs the text encoder on prompts; returns last_hidden_state [B, 77, 768] and pooler_output [B, 768].</summary>
    public (float[] States, float[] Pooled) Encode(params string[] prompts)
    {
        var ids = prompts.SelectMany(PromptIds).ToArray();
        using var r = TextEncoder.Run([NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<int>(ids, [prompts.Length, 77]))]);
        return (r.First(v => v.Name == "last_hidden_state").AsEnumerable<float>().ToArray(),
            r.First(v => v.Name == "pooler_output").AsEnumerable<float>().ToArray());
    }

    /// <summary>One UNet call: sample [B, 4, h, w], timestep [n], states [B, S, 768] → ε.</summary>
    public float[] UnetEps(float[] sample, int batch, int h, int w, float[] timestep, float[] states, int sequence = 77)
    {
        using var r = Unet.Run([
            NamedOnnxValue.CreateFromTensor("sample", new DenseTensor<float>(sample, [batch, 4, h, w])),
            NamedOnnxValue.CreateFromTensor("timestep", new DenseTensor<float>(timestep, [timestep.Length])),
            NamedOnnxValue.CreateFromTensor("encoder_hidden_states", new DenseTensor<float>(states, [states.Length / (sequence * DemoModel.HiddenSize), sequence, DemoModel.HiddenSize])),
        ]);
        return r.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>Decodes UNet-space latents [4, h, w] the way the engine does (÷ 0.18215, then the decoder): CHW in [−1, 1].</summary>
    public float[] Decode(ReadOnlySpan<float> latent, int h, int w)
    {
        var z = new float[latent.Length];
        for (int i = 0; i < z.Length; i++) z[i] = latent[i] / DemoLatentSpace.ScalingFactor;
        using var r = VaeDecoder.Run([NamedOnnxValue.CreateFromTensor("latent_sample", new DenseTensor<float>(z, [1, 4, h, w]))]);
        return r.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>Encodes a CHW picture in [−1, 1] the way the engine does (the encoder, then × 0.18215).</summary>
    public float[] EncodeImage(float[] chw, int height, int width)
    {
        using var r = VaeEncoder.Run([NamedOnnxValue.CreateFromTensor("sample", new DenseTensor<float>(chw, [1, 3, height, width]))]);
        return r.First().AsEnumerable<float>().Select(v => v * DemoLatentSpace.ScalingFactor).ToArray();
    }

    public ReadOnlySpan<float> Member(int k) => Latents.AsSpan(k * 4 * Size * Size, 4 * Size * Size);

    public void Dispose()
    {
        TextEncoder.Dispose();
        Unet.Dispose();
        VaeDecoder.Dispose();
        VaeEncoder.Dispose();
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoFixture>
{
    public const string Name = "Demo model";
}
