using WebUI.Diffusion.Pipelines;
using WebUI.Generation;
using WebUI.History;

namespace WebUI.Queue;

/// <summary>What a job produced: the engine's result and the pictures saved from it (same order; empty when not saved).</summary>
public sealed record JobRunResult(GenerationResult Result, IReadOnlyList<SavedPicture> Saved, bool Interrupted);

/// <summary>
/// The queue worker's door to the engine (production: <see cref="EngineJobRunner"/>). Everything here is called on the
/// worker's thread, one job at a time.
/// </summary>
public interface IJobRunner
{
    /// <summary>Throws ArgumentException naming what is wrong with the request (bad values, unknown model).</summary>
    void Validate(GenerationRequest request);

    /// <summary>
    /// Runs and saves a job. When <paramref name="cancellationToken"/> fires after some pictures were finished it
    /// returns them with <see cref="JobRunResult.Interrupted"/> set; with none it throws OperationCanceledException.
    /// </summary>
    JobRunResult Run(GenerationRequest request, JobOptions options, GenerationControl control,
        Action<GenerationProgress> progress, CancellationToken cancellationToken);

    /// <summary>The request's model's latent→RGB preview map, or null when it has none.</summary>
    PreviewMatrix? PreviewMatrixFor(GenerationRequest request);

    /// <summary>The "Full" preview: decodes a scaled latent [C,h,w] with the running model's VAE to RGB [3,8h,8w] in ≈[−1,1].</summary>
    float[] DecodeLatent(float[] latent, int channels, int height, int width);

    /// <summary>Whether the request's model family has a TAESD decoder in models/VAE-approx (the "TAESD" preview).</summary>
    bool HasTaesd(GenerationRequest request) => false;

    /// <summary>The "TAESD" preview: scaled latent [C,h,w] → RGB [3,8h,8w] in ≈[−1,1]; null when unavailable now.</summary>
    float[]? DecodeTaesd(float[] latent, int channels, int height, int width) => null;
}

/// <summary>Runs jobs on the host's <see cref="GenerationService"/> (the engine and the A1111 output layout).</summary>
public sealed class EngineJobRunner(GenerationService service) : IJobRunner
{
    public void Validate(GenerationRequest request)
    {
        try
        {
            RequestValidator.Validate(request);
            service.ResolveModel(request.Model);
        }
        catch (KeyNotFoundException e) { throw new ArgumentException(e.Message, e); }
        catch (WebUI.Diffusion.Models.ModelNotFoundException e) { throw new ArgumentException(e.Message, e); }
    }

    public JobRunResult Run(GenerationRequest request, JobOptions options, GenerationControl control,
        Action<GenerationProgress> progress, CancellationToken cancellationToken) =>
        service.RunJob(request, options.SaveImages ? OutputTarget.Default : OutputTarget.None, control, progress, cancellationToken, options.User);

    public PreviewMatrix? PreviewMatrixFor(GenerationRequest request)
    {
        try { return service.Engine.PreviewMatrixFor(request.Model); }
        catch (Exception e) when (e is IOException or WebUI.Diffusion.Models.ModelFolderException) { return null; }
    }

    public float[] DecodeLatent(float[] latent, int channels, int height, int width) =>
        service.Engine.DecodeLatent(latent, channels, height, width);

    public bool HasTaesd(GenerationRequest request)
    {
        try { return service.Engine.HasTaesd(service.ResolveModel(request.Model).Family); }
        catch (Exception e) when (e is IOException or KeyNotFoundException or WebUI.Diffusion.Models.ModelNotFoundException
                                      or WebUI.Diffusion.Models.ModelFolderException) { return false; }
    }

    public float[]? DecodeTaesd(float[] latent, int channels, int height, int width) =>
        service.Engine.DecodePreviewRgb(latent, channels, height, width, PreviewDecoder.Taesd);
}
