using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Pipelines;
using WebUI.ModelForge;
using static WebUI.Diffusion.Tests.Inpainting.TestPictures;

namespace WebUI.Diffusion.Tests.Pipelines;

/// <summary>Memory modes, idle unloading, the separate VAE choice, tiled VAE work and TAESD previews.</summary>
public sealed class MemoryAndVaeTests : IDisposable
{
    readonly TempDir _dir = new();
    public MemoryAndVaeTests() => TinyModels.BuildSd15(_dir.Sub("Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
    public void Dispose() => _dir.Dispose();

    GenerationEngine Engine(Action<EngineOptions>? configure = null)
    {
        var o = new EngineOptions { ModelsDir = _dir.Path, IntraOpThreads = 1 };
        configure?.Invoke(o);
        return new GenerationEngine(o);
    }

    static GenerationRequest Request() => new() { Model = "tiny", Prompt = "a cat", Width = 64, Height = 64, Steps = 3, Seed = 9 };

    // ---- memory modes ----------------------------------------------------------------------------------------

    [Fact]
    public void Sequential_mode_makes_the_same_pictures_and_holds_no_session_between_stages()
    {
        var init = Gradient(64, 64);
        GenerationRequest[] requests =
        [
            Request(),
            Request() with { EnableHr = true, HrUpscaler = "Lanczos", HrSecondPassSteps = 2 },
            Request() with { InitImage = init, Mask = RectMask(64, 64, 10, 10, 40, 40) },
        ];
        using var keep = Engine();
        using var sequential = Engine(o => o.MemoryMode = MemoryMode.Sequential);
        foreach (var r in requests)
        {
            var a = keep.Generate(r).Images[0];
            var b = sequential.Generate(r).Images[0];
            Assert.Equal(a.Png, b.Png); // bit-identical
            Assert.Empty(sequential.Loaded!.OpenParts);
            Assert.Contains(ModelFolder.Unet, keep.Loaded!.OpenParts);
        }
        Assert.Equal([ModelFolder.TextEncoder, ModelFolder.Unet, ModelFolder.VaeDecoder, ModelFolder.VaeEncoder], keep.Loaded!.OpenParts);
    }

    [Fact]
    public void Sequential_mode_opens_one_part_per_stage()
    {
        using var engine = Engine(o => o.MemoryMode = MemoryMode.Sequential);
        var seen = new HashSet<string>();
        engine.Generate(Request(), _ => seen.Add(string.Join("+", engine.Loaded!.OpenParts)));
        Assert.Equal(["unet"], seen); // while sampling only the UNet is in memory
    }

    [Fact]
    public void Sequential_mode_reopens_a_textual_inversion_session_with_its_embedding()
    {
        string file = _dir.Sub("embeddings", "mystyle.safetensors");
        Conditioning.FileFormatTests.WriteSafetensors(file,
            ("emb_params", "F32", [2, 32], Enumerable.Range(0, 64).Select(i => (float)Math.Sin(1 + i * 0.37) * 0.5f).ToArray()));
        var request = Request() with { Prompt = "a photo of mystyle" };
        using var keep = Engine();
        using var sequential = Engine(o => o.MemoryMode = MemoryMode.Sequential);
        var a = keep.Generate(request).Images[0];
        Assert.Contains("TI hashes", a.Infotext);
        Assert.Equal(a.Png, sequential.Generate(request).Images[0].Png);
        // The second time the released TI session is reopened with the same token table.
        Assert.Equal(a.Png, sequential.Generate(request).Images[0].Png);
        Assert.Empty(sequential.Loaded!.OpenParts);
    }

    [Fact]
    public void An_idle_model_is_unloaded_after_the_configured_time()
    {
        using var engine = Engine(o => o.UnloadModelAfterIdle = TimeSpan.FromMilliseconds(200));
        engine.Generate(Request());
        Assert.NotNull(engine.LoadedModel);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (engine.LoadedModel is not null && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Null(engine.LoadedModel);
        engine.Generate(Request()); // and loads again on demand
        Assert.NotNull(engine.LoadedModel);
    }

    // ---- separate VAE -----------------------------------------------------------------------------------------

    [Fact]
    public void A_separate_vae_replaces_the_models_own_and_is_recorded()
    {
        TinyModels.BuildStandaloneVae(_dir.Sub("VAE", "tiny-vae"));
        using var engine = Engine();
        Assert.Equal(["tiny-vae"], engine.ListVaes());
        var own = engine.Generate(Request()).Images[0];
        var other = engine.Generate(Request() with { Vae = "tiny-vae" }).Images[0];
        Assert.True(Pixels(own.Png).Zip(Pixels(other.Png)).Max(p => MaxDifference(p.First, p.Second)) > 16, "the separate VAE must change the picture");
        Assert.DoesNotContain("VAE", own.Infotext.Split('\n')[^1]);
        string hash = engine.Loaded!.Vae!.Hash;
        Assert.Matches("^[0-9a-f]{10}$", hash);
        Assert.Contains($", Model: tiny, VAE hash: {hash}, VAE: tiny-vae", other.Infotext);
        // Back to the model's own, and the sd_vae setting picks the default.
        Assert.Equal(own.Png, engine.Generate(Request() with { Vae = "Automatic" }).Images[0].Png);
        using var bySetting = Engine(o => o.SdVae = "tiny-vae");
        Assert.Equal(other.Png, bySetting.Generate(Request()).Images[0].Png);
        // img2img encodes with the separate VAE's encoder too.
        bySetting.Generate(Request() with { InitImage = other.Png, DenoisingStrength = 0.3 });
        Assert.Throws<ArgumentException>(() => engine.Generate(Request() with { Vae = "missing" }));
    }

    // ---- tiled VAE ----------------------------------------------------------------------------------------------

    [Fact]
    public void Tiled_decode_matches_the_plain_decode_away_from_the_seams()
    {
        string dir = _dir.Sub("Stable-diffusion", "tiny");
        using var sessions = new SessionsScope();
        var decoder = VaeDecoderModel.Create(new OnnxSessionFactory(new EngineOptions { IntraOpThreads = 1 }).Open(ModelFolder.Open(dir), ModelFolder.VaeDecoder));
        using var _ = decoder;
        const int C = 4, H = 40, W = 40, Tile = 128; // tiles of 16 latent pixels at a stride of 12, 32-pixel blends
        var latent = new float[C * H * W];
        var rng = new Random(3);
        for (int i = 0; i < latent.Length; i++) latent[i] = (float)(rng.NextDouble() * 2 - 1);
        var plain = decoder.Decode(latent, C, H, W, sessions.Run);
        var tiled = VaeTiling.Decode(latent, C, H, W, Tile, (t, th, tw) => decoder.Decode(t, C, th, tw, sessions.Run));
        Assert.Equal(plain.Length, tiled.Length);
        // Away from the blend bands (and the tiles' own borders, within the convolutions' reach) only the per-tile
        // GroupNorm and attention statistics differ: small next to the picture's own spread.
        double farSum = 0, nearSum = 0, spread = 0;
        int farCount = 0, nearCount = 0;
        int plane = H * 8 * W * 8, size = W * 8;
        double mean = plain.Average();
        foreach (var v in plain) spread += (v - mean) * (v - mean);
        spread = Math.Sqrt(spread / plain.Length);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H * 8; y++)
                for (int x = 0; x < size; x++)
                {
                    double d = Math.Abs(plain[c * plane + y * size + x] - tiled[c * plane + y * size + x]);
                    bool seam = Near(y) || Near(x);
                    if (seam) { nearSum += d; nearCount++; } else { farSum += d; farCount++; }
                }
        double far = farSum / farCount, near = nearSum / nearCount;
        Assert.True(far < 0.2 * spread, $"away from the seams the tiles differ by {far} on average (picture spread {spread}, seams {near})");
        Assert.True(far > 0, "tiles are decoded separately, so some difference is expected");
    }

    // Within 24 pixels of a tile edge inside the picture (tiles start every 96 pixels and are kept for 96).
    static bool Near(int p) => p >= 96 && (p % 96 < 24 || p % 96 >= 72) || p % 96 >= 72;

    [Fact]
    public void Tiled_decode_of_a_pointwise_decoder_is_exact_everywhere()
    {
        // A decoder without receptive field or normalisation (each latent pixel → its own 8×8 block): tiling must be
        // lossless, seams included, which checks the tile grid, the blend weights and the crop arithmetic.
        const int C = 4, H = 21, W = 13;
        var latent = Enumerable.Range(0, C * H * W).Select(i => (float)Math.Sin(i)).ToArray();
        float[] Decode(float[] l, int h, int w)
        {
            var rgb = new float[3 * h * 8 * w * 8];
            for (int c = 0; c < 3; c++) for (int y = 0; y < h * 8; y++) for (int x = 0; x < w * 8; x++)
                rgb[(c * h * 8 + y) * w * 8 + x] = l[(c * h + y / 8) * w + x / 8];
            return rgb;
        }
        var plain = Decode(latent, H, W);
        var tiled = VaeTiling.Decode(latent, C, H, W, 64, Decode);
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], tiled[i], 5); // a·(1 − t) + a·t up to rounding
        float[] Encode(float[] rgb, int h, int w)
        {
            var l = new float[C * (h / 8) * (w / 8)];
            for (int c = 0; c < C; c++) for (int y = 0; y < h / 8; y++) for (int x = 0; x < w / 8; x++)
                l[(c * (h / 8) + y) * (w / 8) + x] = rgb[(Math.Min(c, 2) * h + y * 8) * w + x * 8];
            return l;
        }
        var image = Decode(latent, H, W);
        var expected = Encode(image, H * 8, W * 8);
        var tiledEncode = VaeTiling.Encode(image, H * 8, W * 8, C, 64, Encode);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], tiledEncode[i], 5);
    }

    [Fact]
    public void Engine_tiles_when_asked_or_above_the_threshold()
    {
        using var engine = Engine(o => o.VaeTileSize = 64);
        var r = Request() with { Width = 128, Height = 128, Steps = 2 };
        var plain = engine.Generate(r with { TiledVae = false }).Images[0];
        var forced = engine.Generate(r with { TiledVae = true }).Images[0];
        Assert.NotEqual(plain.Png, forced.Png);
        Assert.Equal(plain.Png, engine.Generate(r).Images[0].Png); // 128² is below the automatic threshold
        using var auto = Engine(o => { o.VaeTileSize = 64; o.VaeTilingThresholdPixels = 100 * 100; });
        Assert.Equal(forced.Png, auto.Generate(r).Images[0].Png);
        using var always = Engine(o => { o.VaeTileSize = 64; o.VaeTiling = VaeTilingMode.Always; });
        Assert.Equal(forced.Png, always.Generate(r).Images[0].Png);
        var a = Pixels(plain.Png);
        var b = Pixels(forced.Png);
        Assert.True(a.Zip(b).Average(p => MaxDifference(p.First, p.Second)) < 40, "tiling should not change the picture much");
    }

    // ---- TAESD previews ----------------------------------------------------------------------------------------

    [Fact]
    public void Taesd_previews_decode_the_sampling_latent_in_either_output_range()
    {
        string approx = _dir.Sub("VAE-approx");
        TaesdModels.BuildDecoder(Path.Combine(approx, TaesdModels.DecoderFile), channels: 8);
        using var engine = Engine();
        Assert.True(engine.HasTaesd("sd1"));
        Assert.False(engine.HasTaesd("sdxl"));
        float[]? preview = null;
        engine.Generate(Request(), p =>
        {
            if (p.Step != 1) return;
            preview = engine.DecodePreviewRgb(p.Latent.Span[..(4 * 8 * 8)], 4, 8, 8, PreviewDecoder.Taesd);
            using var image = engine.DecodePreview(p.Latent.Span[..(4 * 8 * 8)], 4, 8, 8, PreviewDecoder.Taesd);
            Assert.Equal((64, 64), (image!.Width, image.Height));
            Assert.NotNull(engine.DecodePreviewRgb(p.Latent.Span[..(4 * 8 * 8)], 4, 8, 8, PreviewDecoder.Full));
        });
        Assert.NotNull(preview);
        Assert.Equal(3 * 64 * 64, preview!.Length);

        // The same weights exported as AutoencoderTiny.decode (x·2 − 1) give the same preview.
        using var other = new TempDir();
        TinyModels.BuildSd15(Path.Combine(other.Path, "Stable-diffusion", "tiny"), TinyDialect.OptimumFp32);
        TaesdModels.BuildDecoder(Path.Combine(other.Path, "VAE-approx", TaesdModels.DecoderFile), channels: 8, outputMinus1To1: true);
        using var engine2 = new GenerationEngine(new EngineOptions { ModelsDir = other.Path, IntraOpThreads = 1 });
        float[]? preview2 = null;
        engine2.Generate(Request(), p => { if (p.Step == 1) preview2 = engine2.DecodePreviewRgb(p.Latent.Span[..256], 4, 8, 8, PreviewDecoder.Taesd); });
        for (int i = 0; i < preview.Length; i++) Assert.Equal(preview[i], preview2![i], 4);

        // A sidecar JSON overrides what the file says: declaring the [0,1] file as [−1,1] skips the ·2 − 1.
        File.WriteAllText(Path.Combine(approx, "taesd_decoder.json"), """{"output_range": "-1,1"}""");
        using var engine3 = Engine();
        float[]? raw = null;
        engine3.Generate(Request(), p => { if (p.Step == 1) raw = engine3.DecodePreviewRgb(p.Latent.Span[..256], 4, 8, 8, PreviewDecoder.Taesd); });
        for (int i = 0; i < preview.Length; i++) Assert.Equal(preview[i], raw![i] * 2 - 1, 4);
    }

    [Fact]
    public void Previews_without_a_decoder_or_from_another_thread_return_null()
    {
        using var engine = Engine(o => o.MemoryMode = MemoryMode.Sequential);
        float[]? full = [1];
        float[]? fromOtherThread = [1];
        engine.Generate(Request(), p =>
        {
            if (p.Step != 0) return;
            var latent = p.Latent.Span[..256].ToArray();
            full = engine.DecodePreviewRgb(latent, 4, 8, 8, PreviewDecoder.Full); // sequential: Full → TAESD, absent here
            fromOtherThread = Task.Run(() => engine.DecodePreviewRgb(latent, 4, 8, 8, PreviewDecoder.Full)).Result;
        });
        Assert.Null(full);
        Assert.Null(fromOtherThread);
        Assert.Same(LatentPreview.SdxlFactors.GetType(), LatentPreview.FactorsFor("sdxl").GetType());
        Assert.Equal(LatentPreview.SdxlFactors[0, 0], LatentPreview.FactorsFor("sdxl-v")[0, 0]);
        Assert.Equal(LatentPreview.Sd1Factors[0, 0], LatentPreview.FactorsFor("sd2")[0, 0]);
    }

    sealed class SessionsScope : IDisposable
    {
        public RunOptions Run { get; } = new();
        public void Dispose() => Run.Dispose();
    }
}
