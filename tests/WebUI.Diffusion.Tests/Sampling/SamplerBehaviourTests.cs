using WebUI.Diffusion.Sampling;
using Xunit.Abstractions;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>Model-call counts (diffusion-reference §3.17, A1111 grids), per-step callbacks, cancellation, no per-step allocation.</summary>
public class SamplerBehaviourTests(ITestOutputHelper output)
{
    static (int Calls, List<SamplerStep> Steps) Count(string sampler, int steps, CancellationToken ct = default)
    {
        var plan = SamplerCatalog.Plan(sampler, "Automatic", steps, SamplingTestUtil.Schedule);
        var model = new GaussianDenoiser();
        var x = SamplingTestUtil.Gaussian(4, 64).Select(v => (float)(v * plan.InitialNoiseScale)).ToArray();
        var reports = new List<SamplerStep>();
        plan.Sampler.Sample(x, SamplingTestUtil.Context(model, plan.Sigmas, new GeneratorNoise(5), callback: s => reports.Add(s), ct: ct));
        return (model.Calls, reports);
    }

    /// <summary>Expected UNet evaluations for N steps (N divides 1000 for the timestep samplers).</summary>
    static int? ExpectedCalls(string sampler, int n) => sampler switch
    {
        "Heun" or "DPM2" or "DPM2 a" or "DPM++ 2S a" or "DPM++ SDE" or "Restart" => 2 * n - 1,
        "DDIM" or "DDIM CFG++" => n - 1,          // A1111 ≥ 1.6 loops len(grid) − 1 times
        "PLMS" => n,                              // len(grid) − 1 steps + the pseudo-improved-Euler extra call
        "DPM adaptive" => null,                   // adaptive
        _ => n,
    };

    [Fact]
    public void ModelCallsPerSampler()
    {
        foreach (int n in new[] { 10, 20, 40 })
        {
            foreach (var name in SamplerCatalog.Names)
            {
                var (calls, _) = Count(name, n);
                output.WriteLine($"{name,-18} N={n,-3} calls={calls,-4} per step={(double)calls / n:0.00}");
                if (ExpectedCalls(name, n) is int expected) Assert.True(expected == calls, $"{name} with {n} steps: {calls} calls, expected {expected}");
                else Assert.InRange(calls, 3, 3000);
            }
        }
    }

    [Fact]
    public void CallbackOncePerStepWithLatentAndDenoised()
    {
        foreach (var name in SamplerCatalog.Names.Where(n => n is not "DPM adaptive"))
        {
            var plan = SamplerCatalog.Plan(name, "Automatic", 20, SamplingTestUtil.Schedule);
            var (_, steps) = Count(name, 20);
            int expected = name switch
            {
                "DPM fast" => 20 / 3 + 1,            // one report per DPM-Solver step
                _ => plan.Sigmas.Length - 1,
            };
            Assert.True(expected == steps.Count, $"{name}: {steps.Count} callbacks, expected {expected}");
            for (int i = 0; i < steps.Count; i++)
            {
                Assert.Equal(i, steps[i].Step);
                Assert.Equal(steps.Count, steps[i].TotalSteps);
                Assert.Equal(64, steps[i].X.Length);
                Assert.Equal(64, steps[i].Denoised.Length);
            }
        }
    }

    [Fact]
    public void CancellationStopsBeforeTheNextModelCall()
    {
        foreach (var name in SamplerCatalog.Names)
        {
            using var cts = new CancellationTokenSource();
            var plan = SamplerCatalog.Plan(name, "Automatic", 20, SamplingTestUtil.Schedule);
            var model = new GaussianDenoiser();
            var x = new float[16];
            var ctx = SamplingTestUtil.Context(model, plan.Sigmas, new GeneratorNoise(1), callback: s => { if (s.Step == 2) cts.Cancel(); }, ct: cts.Token);
            Assert.ThrowsAny<OperationCanceledException>(() => plan.Sampler.Sample(x, ctx));
            Assert.True(model.Calls < 20, $"{name} made {model.Calls} calls after cancellation");
        }
    }

    [Fact]
    public void NoAllocationPerStep()
    {
        // 16 384 floats = 64 KiB per buffer: any per-step buffer would show up as megabytes over 40 extra steps.
        foreach (var name in SamplerCatalog.Names.Where(n => n is not "DPM adaptive"))
        {
            long Measure(int steps)
            {
                var plan = SamplerCatalog.Plan(name, "Automatic", steps, SamplingTestUtil.Schedule);
                var x = new float[16_384];
                var ctx = SamplingTestUtil.Context(new GaussianDenoiser(), plan.Sigmas, new GeneratorNoise(1));
                long before = GC.GetAllocatedBytesForCurrentThread();
                plan.Sampler.Sample(x, ctx);
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
            Measure(10);
            long small = Measure(10), large = Measure(50);
            Assert.True(large - small < 16_384, $"{name}: {large - small} more bytes for 40 more steps");
        }
    }

    [Theory]
    [InlineData("Euler a", "NV")]
    [InlineData("DPM++ SDE", "NV")]
    [InlineData("DPM++ 2M SDE", "CPU")]
    [InlineData("LCM", "GPU")]
    public void ABatchReproducesItsSingleImages(string sampler, string source)
    {
        var plan = SamplerCatalog.Plan(sampler, "Automatic", 8, SamplingTestUtil.Schedule);
        float[] Run(long[] seeds)
        {
            var noise = new WebUI.Diffusion.Sampling.Rng.ImageNoise(source, seeds, 4, 4, 4);
            var x = new float[noise.PerImage * seeds.Length];
            noise.First(x);
            for (int j = 0; j < x.Length; j++) x[j] *= (float)plan.InitialNoiseScale;
            plan.Sampler.Sample(x, SamplingTestUtil.Context(new GaussianDenoiser(), plan.Sigmas, noise));
            return x;
        }
        var batch = Run([11, 22]);
        Assert.Equal(Run([22]), batch[64..]);
        Assert.Equal(Run([11]), batch[..64]);
    }
}
