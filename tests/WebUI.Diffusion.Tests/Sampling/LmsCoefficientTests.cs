using WebUI.Diffusion.Sampling.Samplers;
using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>diffusion-reference §8.5: order-4 LMS coefficients on Karras n = 10 (0.0292, 14.6146).</summary>
public class LmsCoefficientTests
{
    [Fact]
    public void MatchReferenceTable()
    {
        var sigmas = SigmaSchedules.Karras(10, 0.0292, 14.6146);
        double[][] expected =
        [
            [-5.51119517],
            [-4.81614469, 1.19176659],
            [-3.46191925, 1.42572038, -0.27362372],
            [-2.23916581, 1.12430282, -0.34379281, 0.03935262],
            [-1.28801352, 0.60896257, -0.17520809, 0.01877808],
        ];
        Span<double> c = stackalloc double[4];
        for (int i = 0; i < expected.Length; i++)
        {
            int order = Math.Min(i + 1, 4);
            LmsSampler.Coefficients(sigmas, i, order, c);
            for (int j = 0; j < order; j++) Assert.Equal(expected[i][j], c[j], 1e-7);
            double sum = 0;
            for (int j = 0; j < order; j++) sum += c[j];
            Assert.Equal(sigmas[i + 1] - sigmas[i], sum, 1e-12);
        }
    }

    [Fact]
    public void OrderTooHighForStepIsRejected() =>
        Assert.Throws<ArgumentException>(() => LmsSampler.Coefficients([3, 2, 1, 0], 1, 4, new double[4]));
}
