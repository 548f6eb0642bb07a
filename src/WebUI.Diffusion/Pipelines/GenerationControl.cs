namespace WebUI.Diffusion.Pipelines;

/// <summary>
/// A running generation's remote control besides its CancellationToken: A1111's "Skip" ends the current batch
/// iteration early (its pictures are dropped) and the job goes on with the next one. Safe to call from any thread.
/// </summary>
public sealed class GenerationControl
{
    int _currentBatch = -1, _skipBatch = -2;

    /// <summary>The 0-based batch iteration now sampling, or -1 before the first.</summary>
    public int CurrentBatch => Volatile.Read(ref _currentBatch);

    /// <summary>
    /// Ends the batch iteration that is sampling now at the end of its current sampler step. A request made between
    /// batches (while pictures are decoded) applies to nothing, as A1111 resets its skip flag at each new iteration.
    /// </summary>
    public void SkipCurrentBatch() => Volatile.Write(ref _skipBatch, Volatile.Read(ref _currentBatch));

    internal void BeginBatch(int batch) => Volatile.Write(ref _currentBatch, batch);

    internal bool SkipRequested(int batch) => batch >= 0 && Volatile.Read(ref _skipBatch) == batch;
}

/// <summary>
/// Cancellation after some pictures were finished: <see cref="Partial"/> holds them (A1111 keeps the images completed
/// before Interrupt). Callers that only catch <see cref="OperationCanceledException"/> see an ordinary cancellation.
/// </summary>
public sealed class GenerationInterruptedException(GenerationResult partial, CancellationToken token)
    : OperationCanceledException($"Interrupted after {partial.Images.Count} finished picture(s).", token)
{
    public GenerationResult Partial { get; } = partial;
}

/// <summary>A model's cheap latent→RGB preview map: rows = latent channels, columns = R, G, B; optional bias (3 values).</summary>
public sealed record PreviewMatrix(float[,] Factors, float[]? Bias)
{
    public int Channels => Factors.GetLength(0);
}

/// <summary>Thrown from the step callback to leave the sampler when the batch is skipped.</summary>
internal sealed class BatchSkippedSignal : Exception;
