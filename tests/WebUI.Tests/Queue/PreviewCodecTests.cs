using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Diffusion.Pipelines;
using WebUI.Previews;
using WebUI.Queue;
using Xunit.Abstractions;

namespace WebUI.Tests.Queue;

public sealed class PreviewCodecTests(ITestOutputHelper output)
{
    static float[] RandomLatent(int length, int seed)
    {
        var random = new Random(seed);
        var latent = new float[length];
        int plane = length / 4;
        for (int i = 0; i < length; i++)
        {
            int c = i / plane;
            // Channels with very different ranges, as a real SD latent has.
            latent[i] = (float)((random.NextDouble() * 2 - 1) * (c + 1) * 1.7 + c * 0.3);
        }
        return latent;
    }

    [Fact]
    public void A_512px_frame_is_at_most_16_5_KB_and_round_trips_within_half_a_level()
    {
        const int c = 4, h = 64, w = 64;
        var latent = RandomLatent(c * h * w, 7);
        var frame = new byte[LatentFrameCodec.FrameBytes(c, h, w)];
        int length = LatentFrameCodec.Encode(latent, c, h, w, batch: 2, batchCount: 3, step: 7, steps: 20, frame);

        Assert.Equal(16_384 + 48, length);
        Assert.True(length <= 16_896, $"{length} bytes");
        var back = new float[latent.Length];
        var header = LatentFrameCodec.Decode(frame, back);
        Assert.Equal(new LatentFrameCodec.Header(4, 64, 64, 7, 20, 2, 3), header);

        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
        {
            var values = latent.AsSpan(ch * plane, plane);
            float min = float.MaxValue, max = float.MinValue;
            foreach (float v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
            float bound = (max - min) / 255f / 2f * 1.0001f + 1e-6f;
            for (int i = 0; i < plane; i++)
                Assert.True(Math.Abs(back[ch * plane + i] - values[i]) <= bound, $"channel {ch} value {i}: {values[i]} → {back[ch * plane + i]} (bound {bound})");
            // The extremes are exact levels: nothing is clipped.
            Assert.Equal(min, back.AsSpan(ch * plane, plane).ToArray().Min(), 5);
            Assert.Equal(max, back.AsSpan(ch * plane, plane).ToArray().Max(), 4);
        }
    }

    [Fact]
    public void Constant_channels_and_non_finite_values_do_not_break_the_frame()
    {
        var latent = new float[4 * 2 * 2];
        Array.Fill(latent, 0.25f, 0, 4);          // channel 0 constant
        latent[4] = float.NaN; latent[5] = 1; latent[6] = -1; latent[7] = float.PositiveInfinity;
        var frame = new byte[LatentFrameCodec.FrameBytes(4, 2, 2)];
        LatentFrameCodec.Encode(latent, 4, 2, 2, 1, 1, 1, 1, frame);
        var back = new float[latent.Length];
        LatentFrameCodec.Decode(frame, back);

        Assert.All(back.AsSpan(0, 4).ToArray(), v => Assert.Equal(0.25f, v));
        Assert.Equal(1f, back[5], 5);
        Assert.Equal(-1f, back[6], 5);
        Assert.All(back, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Malformed_frames_are_refused()
    {
        Assert.Throws<FormatException>(() => LatentFrameCodec.ReadHeader(new byte[10]));
        var frame = new byte[LatentFrameCodec.FrameBytes(4, 2, 2)];
        LatentFrameCodec.Encode(new float[16], 4, 2, 2, 1, 1, 1, 1, frame);
        Assert.Throws<FormatException>(() => LatentFrameCodec.ReadHeader(frame.AsSpan(0, frame.Length - 1)));
        Assert.Throws<ArgumentException>(() => LatentFrameCodec.Encode(new float[15], 4, 2, 2, 1, 1, 1, 1, frame));
    }

    [Fact]
    public void Settings_decide_which_steps_get_a_preview()
    {
        var every3 = new PreviewSettings { EveryNSteps = 3 };
        Assert.Equal([2, 5, 6], Enumerable.Range(0, 7).Where(s => every3.IsDue(s, 7)));
        var endOnly = new PreviewSettings { EveryNSteps = -1 };
        Assert.Equal([6], Enumerable.Range(0, 7).Where(s => endOnly.IsDue(s, 7)));
        var none = new PreviewSettings { Method = PreviewMethod.None };
        Assert.DoesNotContain(Enumerable.Range(0, 7), s => none.IsDue(s, 7));
        Assert.Throws<ArgumentException>(() => new PreviewSettingsProvider().Current = new PreviewSettings { EveryNSteps = 0 });
    }

    [Fact]
    public void Preview_settings_come_from_the_WebUI_Previews_section()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["WebUI:Previews:Method"] = "Full", ["WebUI:Previews:EveryNSteps"] = "5" })
            .Build();
        using var provider = new ServiceCollection().AddWebUIQueue(configuration).BuildServiceProvider();
        var settings = provider.GetRequiredService<PreviewSettingsProvider>().Current;
        Assert.Equal(new PreviewSettings { Method = PreviewMethod.Full, EveryNSteps = 5 }, settings);
    }

    /// <summary>The server's cost of one approximate preview at 512×512 (4×64×64 latent): goal ≤ 2 ms, ≤ 16.5 KB, no allocation.</summary>
    [Fact]
    public void Benchmark_a_512px_preview_costs_well_under_2_ms_and_allocates_nothing()
    {
        const int c = 4, h = 64, w = 64;
        var publisher = new PreviewPublisher();
        publisher.BeginJob(Guid.NewGuid(), new PreviewMatrix(Diffusion.Imaging.LatentPreview.Sd1Factors, null));
        var settings = new PreviewSettings();
        var latent = RandomLatent(c * h * w, 3);
        var denoised = RandomLatent(c * h * w, 4);
        PreviewFrame? frame = null;
        for (int i = 0; i < 50; i++) frame = Step(i); // warm-up (JIT, ring buffers)

        const int n = 400;
        var times = new double[n];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            frame = Step(i);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(times);
        double median = times[n / 2], p95 = times[(int)(n * 0.95)];
        output.WriteLine($"512x512 preview: median {median * 1000:0} µs, p95 {p95 * 1000:0} µs, {frame!.Length} bytes, {allocated} bytes allocated in {n} previews");

        Assert.Equal(0, allocated);
        Assert.Equal(16_432, frame.Length);
        Assert.True(median < 2.0, $"median {median:0.000} ms");

        PreviewFrame? Step(int i) => publisher.OnStep(
            new GenerationProgress(0, 1, i % 20, 20, latent, c, h, w) { Denoised = denoised }, settings);
    }
}
