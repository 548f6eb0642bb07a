using System.Globalization;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;

namespace WebUI.Previews;

/// <summary>
/// Turns the running job's sampler steps into live-preview frames. Called on the worker thread from the engine's
/// progress callback, so the approximate path allocates nothing per step: frames live in a ring of reused buffers and
/// the latest latent is copied into a reused array. The PNG for the API's current_image is made only when asked for
/// (and cached until the next frame), never per step.
/// </summary>
public sealed class PreviewPublisher
{
    /// <summary>Frames in flight before a buffer is reused: a slow reader sees a newer frame, never a torn old one in practice.</summary>
    public const int RingSize = 8;

    /// <summary>Quality of the "Full" and "TAESD" preview JPEGs.</summary>
    const int JpegQuality = 80;

    readonly Lock _lock = new();
    readonly PreviewFrame[] _ring = new PreviewFrame[RingSize];
    readonly ILogger<PreviewPublisher>? _log;
    int _next;
    long _sequence;
    PreviewFrame? _latest;

    Guid _jobId;
    PreviewMatrix? _matrix;
    string _matrixJson = "";
    bool _fullFailed, _taesdFailed;

    // The latest previewed latent (approximate) or decoded picture (full, TAESD), for the on-demand PNG.
    float[] _latent = [];
    int _channels, _height, _width;
    float[]? _rgb;
    bool _hasPicture;
    long _pictureSequence = -1, _pngSequence = -1;
    byte[]? _png;
    readonly MemoryStream _jpeg = new();

    public PreviewPublisher(ILogger<PreviewPublisher>? log = null)
    {
        _log = log;
        for (int i = 0; i < RingSize; i++) _ring[i] = new PreviewFrame(LatentFrameCodec.FrameBytes(4, 64, 64));
    }

    /// <summary>The latest frame of the running job, or null (idle, or no preview yet).</summary>
    public PreviewFrame? Latest => Volatile.Read(ref _latest);

    /// <summary>The running job's latent→RGB matrix as JSON for the browser decoder ("" when there is none).</summary>
    public string MatrixJson => Volatile.Read(ref _matrixJson);

    /// <summary>Starts a job's previews; <paramref name="matrix"/> null means the approximate method is unavailable.</summary>
    public void BeginJob(Guid jobId, PreviewMatrix? matrix)
    {
        lock (_lock)
        {
            _jobId = jobId;
            _matrix = matrix;
            _matrixJson = matrix is null ? "" : ToJson(matrix);
            _fullFailed = _taesdFailed = false;
            _hasPicture = false;
            _png = null;
            Volatile.Write(ref _latest, null);
        }
    }

    /// <summary>Ends the job's previews: the API's current_image is null again when idle.</summary>
    public void EndJob()
    {
        lock (_lock)
        {
            _jobId = Guid.Empty;
            _hasPicture = false;
            _png = null;
            _rgb = null;
            Volatile.Write(ref _latest, null);
        }
    }

    /// <summary>
    /// Makes a frame for this step when <paramref name="settings"/> say one is due; returns it (also <see cref="Latest"/>)
    /// or null. <paramref name="decodeFull"/> runs the real VAE for the "Full" method, <paramref name="decodeTaesd"/> the
    /// Tiny AutoEncoder for "TAESD" (null when the model family has none); a missing, busy (null result) or failing
    /// decoder gives the approximate frame instead.
    /// </summary>
    public PreviewFrame? OnStep(in GenerationProgress progress, PreviewSettings settings, Func<float[], int, int, int, float[]?>? decodeFull = null,
        Func<float[], int, int, int, float[]?>? decodeTaesd = null)
    {
        if (_jobId == Guid.Empty || !settings.IsDue(progress.Step, progress.Steps)) return null;
        // A1111 previews the predicted x0 ("denoised") of the first picture of the batch.
        var source = progress.Denoised.IsEmpty ? progress.Latent : progress.Denoised;
        int c = progress.LatentChannels, h = progress.LatentHeight, w = progress.LatentWidth, perImage = c * h * w;
        if (source.Length < perImage || perImage == 0) return null;
        var latent = source.Span[..perImage];

        var method = settings.Method;
        var decoder = method switch
        {
            PreviewMethod.Full when !_fullFailed => decodeFull,
            PreviewMethod.Taesd when !_taesdFailed => decodeTaesd,
            _ => null,
        };
        if (decoder is null) method = PreviewMethod.Approximate;
        if (method == PreviewMethod.Approximate && (_matrix is null || _matrix.Channels != c)) return null;

        lock (_lock)
        {
            if (_latent.Length < perImage) _latent = new float[perImage];
            latent.CopyTo(_latent);
            (_channels, _height, _width) = (c, h, w);
        }

        var frame = _ring[_next];
        _next = (_next + 1) % RingSize;
        frame.JobId = _jobId;
        frame.Batch = progress.Batch + 1;
        frame.Step = progress.Step + 1;
        frame.Steps = progress.Steps;
        frame.MatrixJson = _matrixJson;

        if (decoder is not null && !TryEncodePicture(frame, c, h, w, decoder, method))
        {
            if (_matrix is null || _matrix.Channels != c) return null;
            method = PreviewMethod.Approximate;
        }
        if (method == PreviewMethod.Approximate)
        {
            frame.Format = PreviewFormat.Latent8;
            frame.EnsureCapacity(LatentFrameCodec.FrameBytes(c, h, w));
            frame.Length = LatentFrameCodec.Encode(latent, c, h, w, frame.Batch, progress.BatchCount, frame.Step, frame.Steps, frame.Buffer);
            lock (_lock) _rgb = null;
        }

        lock (_lock)
        {
            frame.Sequence = ++_sequence;
            _pictureSequence = frame.Sequence;
            _hasPicture = true;
            Volatile.Write(ref _latest, frame);
        }
        return frame;
    }

    /// <summary>Decodes the copied latent to a JPEG frame; false (approximate frame instead) when the decoder is busy or fails.</summary>
    bool TryEncodePicture(PreviewFrame frame, int c, int h, int w, Func<float[], int, int, int, float[]?> decode, PreviewMethod method)
    {
        try
        {
            float[] latentCopy;
            lock (_lock) latentCopy = _latent.AsSpan(0, c * h * w).ToArray();
            // Null: the decoder is unavailable just now (e.g. the engine is busy elsewhere); try again at the next preview.
            if (decode(latentCopy, c, h, w) is not { } rgb) return false;
            using var image = LatentImage.ToImage(rgb, w * 8, h * 8);
            _jpeg.SetLength(0);
            image.SaveAsJpeg(_jpeg, new JpegEncoder { Quality = JpegQuality });
            frame.Format = PreviewFormat.Jpeg;
            frame.EnsureCapacity((int)_jpeg.Length);
            _jpeg.Position = 0;
            frame.Length = _jpeg.Read(frame.Buffer, 0, (int)_jpeg.Length);
            lock (_lock) _rgb = rgb;
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A broken or missing decoder must not fail the job over a preview: fall back to the cheap method for this job.
            if (method == PreviewMethod.Taesd) _taesdFailed = true; else _fullFailed = true;
            _log?.LogWarning(e, "{Method} preview failed; using the approximate preview for this job", method);
            return false;
        }
    }

    /// <summary>The latest preview as PNG at picture size (the API's current_image), or null; encoded once per frame on demand.</summary>
    public byte[]? LatestPng()
    {
        lock (_lock)
        {
            if (!_hasPicture) return null;
            if (_png is not null && _pngSequence == _pictureSequence) return _png;
            using var image = _rgb is { } rgb
                ? LatentImage.ToImage(rgb, _width * 8, _height * 8)
                : ApproximateImage();
            using var stream = new MemoryStream();
            image.SaveAsPng(stream);
            _png = stream.ToArray();
            _pngSequence = _pictureSequence;
            return _png;
        }
    }

    Image<Rgb24> ApproximateImage()
    {
        var image = LatentPreview.ToImage(_latent.AsSpan(0, _channels * _height * _width), _height, _width, _matrix!.Factors, _matrix.Bias);
        image.Mutate(x => x.Resize(_width * 8, _height * 8, KnownResamplers.Bicubic));
        return image;
    }

    /// <summary>{"factors":[[r,g,b],...],"bias":[r,g,b]} — what webuiPreview.draw expects (floats round-trip exactly).</summary>
    public static string ToJson(PreviewMatrix matrix)
    {
        var json = new StringBuilder("{\"factors\":[");
        for (int c = 0; c < matrix.Channels; c++)
        {
            if (c > 0) json.Append(',');
            json.Append('[').Append(Number(matrix.Factors[c, 0])).Append(',').Append(Number(matrix.Factors[c, 1]))
                .Append(',').Append(Number(matrix.Factors[c, 2])).Append(']');
        }
        var bias = matrix.Bias ?? [0f, 0f, 0f];
        json.Append("],\"bias\":[").Append(Number(bias[0])).Append(',').Append(Number(bias[1])).Append(',').Append(Number(bias[2])).Append("]}");
        return json.ToString();
    }

    static string Number(float value) =>
        float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : throw new ArgumentException("The preview matrix must be finite.");
}
