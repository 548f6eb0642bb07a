namespace WebUI.Diffusion.Pipelines;

/// <summary>A1111's seeds for a job (processing.py): one seed and one variation seed per image, in output order.</summary>
internal static class SeedPlan
{
    /// <summary>Random seeds are drawn from [0, 4294967294), as Python's random.randrange(4294967294).</summary>
    public const long RandomSeedLimit = 4294967294;

    /// <summary>-1 means random; anything else is used as given.</summary>
    public static long Resolve(long seed, Random random) => seed == -1 ? random.NextInt64(RandomSeedLimit) : seed;

    /// <summary>
    /// Image i of the job gets seed + i, or the same seed for every image when a variation seed is mixed in
    /// (subseed strength ≠ 0), in which case image i gets subseed + i.
    /// </summary>
    public static (long[] Seeds, long[] Subseeds) ForJob(GenerationRequest request, Random random)
    {
        long seed = Resolve(request.Seed, random), subseed = Resolve(request.Subseed, random);
        int n = request.BatchCount * request.BatchSize;
        var seeds = new long[n];
        var subseeds = new long[n];
        bool variation = request.SubseedStrength != 0;
        for (int i = 0; i < n; i++)
        {
            seeds[i] = seed + (variation ? 0 : i);
            subseeds[i] = subseed + i;
        }
        return (seeds, subseeds);
    }
}
