namespace WebUI.Diffusion.Sampling.Schedules;

/// <summary>numpy/torch <c>linspace</c>: n evenly spaced values from start to end inclusive; n = 1 gives [start].</summary>
static class Linspace
{
    public static double[] Of(double start, double end, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        var v = new double[n];
        if (n == 0) return v;
        if (n == 1) { v[0] = start; return v; }
        double step = (end - start) / (n - 1);
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        v[n - 1] = end;
        return v;
    }
}
