namespace WebUI.Queue;

/// <summary>
/// The running job's progress and ETA. The rate is measured over sampler steps since the first one (so model loading
/// and text encoding do not count, and VAE decoding between batches is spread over the steps), and the ETA is that
/// rate times the steps left in all batches.
/// </summary>
internal sealed class ProgressClock(Guid jobId, int batchCount, int stepsPerBatch, TimeProvider time)
{
    readonly long _started = time.GetTimestamp();
    long _firstStep = -1;
    int _firstGlobalStep;

    /// <summary>Before the first step: batch 1, step 0.</summary>
    public JobProgressSnapshot Initial() =>
        new(jobId, 1, batchCount, 0, stepsPerBatch, 0, TimeSpan.Zero, null);

    /// <param name="batch">0-based batch iteration.</param>
    /// <param name="step">0-based index of the sampler step just completed.</param>
    /// <param name="steps">Sampler steps in this batch (img2img runs fewer than the request's Steps).</param>
    public JobProgressSnapshot OnStep(int batch, int step, int steps)
    {
        long now = time.GetTimestamp();
        int done = step + 1;
        int globalDone = batch * steps + done, globalTotal = batchCount * steps;
        if (_firstStep < 0)
        {
            _firstStep = now;
            _firstGlobalStep = globalDone;
        }
        double fraction = steps <= 0 || batchCount <= 0 ? 0 : Math.Clamp((batch + done / (double)steps) / batchCount, 0, 1);
        TimeSpan? eta = null;
        int measured = globalDone - _firstGlobalStep;
        if (measured > 0)
        {
            double secondsPerStep = time.GetElapsedTime(_firstStep, now).TotalSeconds / measured;
            eta = TimeSpan.FromSeconds(secondsPerStep * Math.Max(0, globalTotal - globalDone));
        }
        return new JobProgressSnapshot(jobId, batch + 1, batchCount, done, steps, fraction, time.GetElapsedTime(_started, now), eta);
    }
}
