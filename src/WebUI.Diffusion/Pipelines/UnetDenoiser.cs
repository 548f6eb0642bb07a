using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using WebUI.Diffusion.Models;
using WebUI.Diffusion.Sampling;

namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// D(x, σ) over the ONNX UNet, with classifier-free guidance (diffusion-reference §1.3–1.6, §4):
/// x_in = x·c_in, t = sigma_to_t(σ) (nearest table index for integer timestep inputs), ε- or v-prediction wrapper,
/// and D = D_u + w·(D_c − D_u). The UNet batch is laid out in A1111's order [cond…, uncond…]; with a dynamic batch
/// axis a guided step is one call, with a fixed batch the rows go in calls of that size (padding the last one).
/// When cond and uncond have different token counts they go in separate calls, as A1111 does by default.
/// With w = 1 only the cond half runs (the result is identical). All tensors are made once; a step allocates nothing.
/// It also serves CFG++ samplers (<see cref="IGuidedDenoiser"/>) and, with <see cref="LcmBoundaryCondition"/>, the
/// LCM sampler (integer LCM timesteps and the consistency boundary condition, <see cref="LcmBoundary"/>).
/// </summary>
internal sealed class UnetDenoiser : IGuidedDenoiser, IDisposable
{
    readonly UnetModel _unet;
    readonly NoiseSchedule _schedule;
    readonly PredictionType _prediction;
    readonly RunOptions _runOptions;
    readonly CancellationToken _ct;
    readonly int _images, _perImage, _samplePerImage;
    readonly bool _guided;
    readonly float _cfg;
    readonly TensorBuffer _timestep;
    readonly UnetCall[] _calls;
    readonly List<IDisposable> _owned = [];
    readonly float[] _out;
    readonly string[] _inputNames = [UnetModel.SampleName, UnetModel.TimestepName, UnetModel.HiddenName];
    readonly string[] _outputNames;
    long _unetTicks;

    /// <summary>One UNet run: rows [FirstRow, FirstRow + Rows) of the [cond…, uncond…] layout, padded to Batch.</summary>
    sealed record UnetCall(int FirstRow, int Rows, int Batch, TensorBuffer Sample, TensorBuffer Output, OrtValue[] Inputs, OrtValue[] Outputs);

    public UnetDenoiser(UnetModel unet, NoiseSchedule schedule, PredictionType prediction,
        int images, int height, int width, TextEmbedding cond, TextEmbedding? uncond, double cfgScale,
        RunOptions runOptions, CancellationToken cancellationToken = default)
    {
        if (images < 1) throw new ArgumentOutOfRangeException(nameof(images));
        _unet = unet;
        _schedule = schedule;
        _prediction = prediction;
        _runOptions = runOptions;
        _ct = cancellationToken;
        _images = images;
        Channels = unet.LatentChannels;
        Height = height;
        Width = width;
        _perImage = Channels * height * width;
        _samplePerImage = unet.InChannels * height * width;
        _guided = uncond is not null && cfgScale != 1.0;
        _cfg = (float)cfgScale;
        _outputNames = [unet.OutputName];
        CheckEmbedding(cond, "prompt");
        if (_guided) CheckEmbedding(uncond!, "negative prompt");

        _timestep = Own(new TensorBuffer(unet.TimestepType, unet.TimestepShape));
        int rows = _guided ? 2 * images : images;
        _out = new float[rows * _perImage];

        // Groups of rows that can share one call: everything when token counts match, else cond and uncond apart.
        var groups = new List<(int First, int Count, TextEmbedding Emb)>();
        if (!_guided) groups.Add((0, images, cond));
        else if (cond.Tokens == uncond!.Tokens) groups.Add((0, 2 * images, cond));
        else { groups.Add((0, images, cond)); groups.Add((images, images, uncond)); }

        var calls = new List<UnetCall>();
        var samples = new Dictionary<int, (TensorBuffer Sample, TensorBuffer Output)>();
        foreach (var (first, count, emb) in groups)
        {
            int batch = unet.FixedBatch ?? count;
            for (int start = first; start < first + count; start += batch)
            {
                int valid = Math.Min(batch, first + count - start);
                if (!samples.TryGetValue(batch, out var io))
                {
                    io = (Own(new TensorBuffer(unet.SampleType, [batch, unet.InChannels, height, width])),
                        Own(new TensorBuffer(unet.OutputType, [batch, Channels, height, width])));
                    samples[batch] = io;
                }
                var hidden = Own(new TensorBuffer(unet.HiddenType, [batch, emb.Tokens, emb.Width]));
                for (int k = 0; k < batch; k++)
                {
                    int row = start + Math.Min(k, valid - 1);
                    var e = _guided && row >= images ? uncond! : cond;
                    hidden.Write(e.Data, k * e.Data.Length);
                }
                calls.Add(new UnetCall(start, valid, batch, io.Sample, io.Output,
                    [io.Sample.Value, _timestep.Value, hidden.Value], [io.Output.Value]));
            }
        }
        _calls = calls.ToArray();
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Denoise calls (sampler model evaluations).</summary>
    public int ModelCalls { get; private set; }
    /// <summary>ONNX UNet runs.</summary>
    public int UnetCalls { get; private set; }
    public double UnetSeconds => Stopwatch.GetElapsedTime(0, _unetTicks).TotalSeconds;
    public bool IsGuided => _guided;
    /// <summary>UNet runs per Denoise call.</summary>
    public int CallsPerStep => _calls.Length;

    T Own<T>(T d) where T : IDisposable { _owned.Add(d); return d; }

    void CheckEmbedding(TextEmbedding e, string what)
    {
        if (_unet.HiddenWidth is { } w && w != e.Width)
            throw new ModelFolderException("unet", $"'encoder_hidden_states' is {w} wide but the {what} encoding is {e.Width} wide");
        if (_unet.FixedSequence is { } s && s != e.Tokens)
            throw new ArgumentException($"The {what} needs {e.Tokens} tokens but this UNet export accepts exactly {s}.");
    }

    /// <summary>
    /// LCM mode (A1111's LCMCompVisDenoiser): the UNet gets the nearest of the 50 distilled timesteps and the result
    /// is D = c_out(t)·x0 + c_skip(t)·x, with x0 the usual ε/v estimate.
    /// </summary>
    public bool LcmBoundaryCondition { get; set; }

    /// <summary>
    /// An inpainting UNet's extra input channels for every image of the batch ([images, InChannels − 4, h, w]: the
    /// mask ‖ masked-image latents, diffusion-reference §5.3). They follow the c_in-scaled latents unscaled, and the
    /// cond and uncond rows get the same ones. Required when the UNet has more than 4 input channels.
    /// </summary>
    public float[]? ImageConditioning { get; set; }

    public void Denoise(ReadOnlySpan<float> x, double sigma, Span<float> denoised) => Run(x, sigma, _cfg, denoised, default);

    /// <summary>CFG++: guides with w·<paramref name="guidanceScaleMultiplier"/> and also returns the unconditional D_u.</summary>
    public void DenoiseGuided(ReadOnlySpan<float> x, double sigma, double guidanceScaleMultiplier, Span<float> denoised, Span<float> unconditionalDenoised)
    {
        if (unconditionalDenoised.Length != denoised.Length) throw new ArgumentException("The unconditional buffer must match the latent.", nameof(unconditionalDenoised));
        Run(x, sigma, (float)(_cfg * guidanceScaleMultiplier), denoised, unconditionalDenoised);
    }

    void Run(ReadOnlySpan<float> x, double sigma, float cfg, Span<float> denoised, Span<float> unconditional)
    {
        int total = _images * _perImage;
        if (x.Length != total || denoised.Length != total)
            throw new ArgumentException($"Latent has {x.Length} values; expected {total} ({_images}×{Channels}×{Height}×{Width}).");
        int extra = _samplePerImage - _perImage;
        if (extra > 0 && ImageConditioning?.Length != _images * extra)
            throw new InvalidOperationException($"This inpainting UNet needs {extra / (Height * Width)} conditioning channels per image (mask and masked-image latents).");
        ModelCalls++;
        float cIn = (float)(1 / Math.Sqrt(sigma * sigma + 1));
        double t = LcmBoundaryCondition ? LcmBoundary.Timestep(_schedule, sigma)
            : _unet.TimestepIsInteger ? _schedule.SigmaToNearestT(sigma) : _schedule.SigmaToT(sigma);
        _timestep.Fill(t);

        foreach (var call in _calls)
        {
            _ct.ThrowIfCancellationRequested();
            for (int k = 0; k < call.Batch; k++)
            {
                int row = call.FirstRow + Math.Min(k, call.Rows - 1);
                int image = row % _images;
                call.Sample.Write(x.Slice(image * _perImage, _perImage), k * _samplePerImage, cIn);
                if (extra > 0) call.Sample.Write(ImageConditioning.AsSpan(image * extra, extra), k * _samplePerImage + _perImage);
            }
            long start = Stopwatch.GetTimestamp();
            try { _unet.Session.Run(_runOptions, _inputNames, call.Inputs, _outputNames, call.Outputs); }
            catch (OnnxRuntimeException) when (_ct.IsCancellationRequested) { throw new OperationCanceledException(_ct); }
            finally { _unetTicks += Stopwatch.GetTimestamp() - start; }
            UnetCalls++;
            call.Output.Read(_out.AsSpan(call.FirstRow * _perImage, call.Rows * _perImage));
        }
        Combine(x, sigma, (int)t, cfg, denoised, unconditional);
    }

    void Combine(ReadOnlySpan<float> x, double sigma, int timestep, float w, Span<float> denoised, Span<float> unconditional)
    {
        // ε: D = x − σ·ε.  v: D = x/(σ²+1) − σ/√(σ²+1)·v.  Guidance is affine, so it is applied to ε/v directly;
        // so is LCM's boundary condition D = c_out·x0 + c_skip·x, which folds into the same two coefficients.
        double cSkip, cOut;
        if (_prediction == PredictionType.Epsilon) { cSkip = 1; cOut = -sigma; }
        else { cSkip = 1 / (sigma * sigma + 1); cOut = -sigma / Math.Sqrt(sigma * sigma + 1); }
        if (LcmBoundaryCondition)
        {
            var (lcmSkip, lcmOut) = LcmBoundary.Scalings(timestep);
            cSkip = lcmOut * cSkip + lcmSkip;
            cOut = lcmOut * cOut;
        }
        float a = (float)cSkip, b = (float)cOut;
        int n = _images * _perImage;
        var cond = _out.AsSpan(0, n);
        if (_guided)
        {
            var uncond = _out.AsSpan(n, n);
            for (int i = 0; i < n; i++)
            {
                float e = uncond[i] + w * (cond[i] - uncond[i]);
                denoised[i] = a * x[i] + b * e;
            }
            if (!unconditional.IsEmpty)
                for (int i = 0; i < n; i++) unconditional[i] = a * x[i] + b * uncond[i];
        }
        else
        {
            for (int i = 0; i < n; i++) denoised[i] = a * x[i] + b * cond[i];
            if (!unconditional.IsEmpty) denoised.CopyTo(unconditional);
        }
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }
}
