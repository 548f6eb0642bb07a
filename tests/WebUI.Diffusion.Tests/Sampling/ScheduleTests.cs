using WebUI.Diffusion.Sampling;
using WebUI.Diffusion.Sampling.Schedules;

namespace WebUI.Diffusion.Tests.Sampling;

/// <summary>
/// Every scheduler against diffusion-reference §8.3 (n = 10) and, for the schedulers §8.3 does not list, against
/// values computed with numpy/scipy following A1111's sd_schedulers.py in float64.
/// </summary>
public class ScheduleTests
{
    static readonly NoiseSchedule S = NoiseSchedule.Default;
    const double Tol = 1e-5;

    static void AssertSigmas(double[] expected, double[] actual, double tol = Tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"σ[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Karras_RoundedEnds() => AssertSigmas(
        [14.614600, 9.103405, 5.479027, 3.169204, 1.749901, 0.914420, 0.447145, 0.201532, 0.081981, 0.029200, 0],
        SigmaSchedules.Karras(10, 0.0292, 14.6146), 1e-6);

    [Fact]
    public void Karras_TableEnds() => AssertSigmas(
        [14.614641, 9.102928, 5.478392, 3.168603, 1.749417, 0.914072, 0.446918, 0.201398, 0.081910, 0.029167, 0],
        SigmaSchedules.Karras(10, S.SigmaMin, S.SigmaMax), 1e-6);

    [Fact]
    public void Karras20() => AssertSigmas(
        [14.614600, 11.725627, 9.340663, 7.384193, 5.790041, 4.500473, 3.465361, 2.641410, 1.991427, 1.483659, 1.091169,
         0.791266, 0.564983, 0.396599, 0.273202, 0.184293, 0.121435, 0.077928, 0.048529, 0.029200, 0],
        SigmaSchedules.Karras(20, 0.0292, 14.6146), 1e-6);

    [Fact]
    public void KarrasTimesteps()
    {
        double[] t = [998.9995, 916.2936, 815.0695, 687.2009, 523.2799, 327.2582, 146.0386, 40.9050, 6.7449, 0.0032];
        var s = SigmaSchedules.Karras(10, 0.0292, 14.6146);
        for (int i = 0; i < t.Length; i++) Assert.Equal(t[i], S.SigmaToT(s[i]), 1e-4);
    }

    [Fact]
    public void Exponential() => AssertSigmas(
        [14.614600, 7.325768, 3.672141, 1.840711, 0.922681, 0.462507, 0.231838, 0.116212, 0.058253, 0.029200, 0],
        SigmaSchedules.Exponential(10, 0.0292, 14.6146), 1e-6);

    [Fact]
    public void Polyexponential_Rho1IsExponential_Rho2MatchesReference()
    {
        AssertSigmas(SigmaSchedules.Exponential(10, 0.0292, 14.6146), SigmaSchedules.Polyexponential(10, 0.0292, 14.6146), 1e-12);
        AssertSigmas([14.614600, 3.965020, 1.254168, 0.462507, 0.198853, 0.099678, 0.058253, 0.039691, 0.031529, 0.029200, 0],
            SigmaSchedules.Polyexponential(10, 0.0292, 14.6146, rho: 2), 1e-6);
    }

    [Fact]
    public void Uniform_IsDiscreteGetSigmas() => AssertSigmas(
        [14.614641, 7.839883, 4.609174, 2.918307, 1.950161, 1.344928, 0.932358, 0.624977, 0.368658, 0.029167, 0],
        SigmaSchedules.Uniform(10, S), 1e-6);

    [Fact]
    public void Uniform20()
    {
        double[] expected = [14.614641, 10.746802, 8.081519, 6.204934, 4.855653, 3.865379, 3.123762, 2.557166, 2.115658, 1.764823,
            1.480581, 1.245813, 1.048142, 0.878428, 0.729719, 0.596434, 0.473585, 0.355545, 0.232164, 0.029167, 0];
        AssertSigmas(expected, SigmaSchedules.Uniform(20, S), 1e-6);
    }

    [Fact]
    public void SgmUniform() => AssertSigmas(
        [14.614641, 8.307172, 5.092408, 3.325069, 2.279730, 1.615580, 1.162865, 0.831884, 0.571189, 0.343705, 0],
        SigmaSchedules.SgmUniform(10, S.SigmaMin, S.SigmaMax, S), 1e-6);

    // numpy/scipy references (A1111 sd_schedulers.py semantics, float64), n = 10 unless noted
    [Fact]
    public void KlOptimal_EndsAtSigmaMinWithoutZero() => AssertSigmas(
        [14.614641229, 4.565036663, 2.632887858, 1.786445284, 1.294767287, 0.961588027, 0.711626813, 0.509419407, 0.335637389, 0.178346459, 0.029167158],
        SigmaSchedules.KlOptimal(10, S.SigmaMin, S.SigmaMax));

    [Fact]
    public void AlignYourSteps()
    {
        AssertSigmas([14.615, 6.113513662, 3.565113735, 2.393873481, 1.649955514, 1.135787310, 0.742518296, 0.445007442, 0.169205124, 0.029, 0],
            SigmaSchedules.AlignYourSteps(10, sdxl: false));
        AssertSigmas([14.615, 9.397145331, 6.145939191, 4.685298875, 3.559793963, 2.668495724, 2.020017669, 1.564420544, 1.222587163, 0.968496646,
                0.767693242, 0.608903712, 0.492427899, 0.403421243, 0.317838138, 0.246252633, 0.172228638, 0.117413289, 0.059331106, 0.029, 0],
            SigmaSchedules.AlignYourSteps(20, sdxl: true));
        AssertSigmas([14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029, 0], SigmaSchedules.AlignYourSteps(11, sdxl: false), 1e-12);
    }

    [Fact]
    public void Simple() => AssertSigmas(
        [14.614641229, 8.302803191, 5.087763183, 3.321083130, 2.276463066, 1.612886194, 1.160578322, 0.829859528, 0.569284888, 0.341673832, 0],
        SigmaSchedules.Simple(10, S));

    [Fact]
    public void Normal_DefaultsEqualUniform_OverridesMoveTheEnds()
    {
        AssertSigmas(SigmaSchedules.Uniform(10, S), SigmaSchedules.Normal(10, S.SigmaMin, S.SigmaMax, S), 1e-9);
        AssertSigmas([10.0, 5.904686685, 3.742742503, 2.509062275, 1.749601022, 1.245928232, 0.886327135, 0.609081929, 0.373029669, 0.1, 0],
            SigmaSchedules.Normal(10, 0.1, 10.0, S));
    }

    [Fact]
    public void Ddim() => AssertSigmas(
        [8.390684770, 5.134431118, 3.347763581, 2.292853822, 1.623692082, 1.168215955, 0.835652808, 0.574050259, 0.346186706, 0.041314412, 0],
        SigmaSchedules.Ddim(10, S));

    [Fact]
    public void Beta() => AssertSigmas(
        [14.614641229, 13.927784746, 12.490980202, 10.597607818, 8.442436694, 6.201371694, 4.046200570, 2.152828185, 0.716023642, 0.029167158, 0],
        SigmaSchedules.Beta(10, S.SigmaMin, S.SigmaMax));

    [Fact]
    public void BetaDistribution_MatchesScipy()
    {
        double[] p = [0.01, 0.1, 0.25, 0.5, 0.9, 0.999];
        double[] q06 = [0.000861239, 0.039584406, 0.175680379, 0.5, 0.960415594, 0.999981441];
        double[] q25 = [0.026763191, 0.092595259, 0.161162917, 0.264449983, 0.510316307, 0.818613867];
        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(q06[i], BetaDistribution.InverseCdf(p[i], 0.6, 0.6), 1e-9);
            Assert.Equal(q25[i], BetaDistribution.InverseCdf(p[i], 2, 5), 1e-9);
        }
        Assert.Equal(0.010937924, BetaDistribution.Cdf(0.001, 0.6, 0.6), 1e-9);
        Assert.Equal(0.271367933, BetaDistribution.Cdf(0.2, 0.6, 0.6), 1e-9);
        Assert.Equal(0.703315751, BetaDistribution.Cdf(0.77, 0.6, 0.6), 1e-9);
        // closed forms: Beta(½,½) is the arcsine law, Beta(2,1) has CDF x²
        Assert.Equal(Math.Pow(Math.Sin(Math.PI * 0.3 / 2), 2), BetaDistribution.InverseCdf(0.3, 0.5, 0.5), 1e-12);
        Assert.Equal(Math.Sqrt(0.7), BetaDistribution.InverseCdf(0.7, 2, 1), 1e-12);
    }

    [Fact]
    public void SingleStepSchedulesStartAtSigmaMax()
    {
        AssertSigmas([S.SigmaMax, 0], SigmaSchedules.Karras(1, S.SigmaMin, S.SigmaMax), 1e-12);
        AssertSigmas([S.SigmaMax, 0], SigmaSchedules.Uniform(1, S), 1e-12);
        Assert.Equal(S.SigmaMax, SigmaSchedules.Beta(1, S.SigmaMin, S.SigmaMax)[0], 1e-9);
    }

    [Fact]
    public void LcmTable_Uniform4_AndBoundaryScalings()
    {
        var lcm = ModelSigmas.LcmOf(S);
        Assert.Equal(50, lcm.Length);
        Assert.Equal(0.134450675, lcm.SigmaMin, 1e-8);
        AssertSigmas([14.614641229, 2.991055723, 0.972826039, 0.134450675, 0], SigmaSchedules.Uniform(4, lcm));
        // quantized timesteps 20k + 19 (A1111 LCMCompVisDenoiser.sigma_to_t)
        Assert.Equal(999, LcmBoundary.Timestep(S, S.SigmaMax));
        Assert.Equal(19, LcmBoundary.Timestep(S, 0.134450675));
        Assert.Equal(259, LcmBoundary.Timestep(S, S.Sigmas[259]));
        Assert.Equal(759, LcmBoundary.Timestep(S, S.Sigmas[760]));
        var cases = new (int T, double CSkip, double COut)[]
        {
            (999, 2.505008e-9, 0.999999998747), (759, 4.339667e-9, 0.999999997830), (499, 1.004012e-8, 0.999999994980),
            (259, 3.726838e-8, 0.999999981366), (19, 6.925160e-6, 0.999996537414), (0, 1, 0),
        };
        foreach (var (t, cSkip, cOut) in cases)
        {
            var (a, b) = LcmBoundary.Scalings(t);
            Assert.Equal(cSkip, a, cSkip * 1e-6 + 1e-15);
            Assert.Equal(cOut, b, 1e-12);
        }
    }

    [Fact]
    public void TimestepGrids_A1111()
    {
        var g20 = TimestepGrids.Timesteps(20);
        Assert.Equal(20, g20.Length);
        Assert.Equal(1, g20[0]);
        Assert.Equal(951, g20[^1]);
        var g30 = TimestepGrids.Timesteps(30);
        Assert.Equal(31, g30.Length);
        Assert.Equal([1, 34, 67], g30[..3]);
        Assert.Equal(991, g30[^1]);
        AssertSigmas([11.028331165, 8.390684770, 6.506397838, 5.134431118, 4.116696479, 3.347763581, 2.756195854, 2.292853822, 1.923443315, 1.623692082,
                1.376178911, 1.168215955, 0.990408877, 0.835652808, 0.698398091, 0.574050259, 0.458332701, 0.346186706, 0.228146736, 0.041314412],
            TimestepGrids.DdimSigmas(20, S));
    }

    [Fact]
    public void UniPcGrids_MatchNoiseScheduleVpInterpolation()
    {
        AssertSigmas([14.614641229, 10.907318611, 8.307172468, 6.447688836, 5.092408219, 4.086081857, 3.325070074, 2.739084072, 2.279731430, 1.913211279,
                1.615581507, 1.369644578, 1.162865811, 0.985956561, 0.831884944, 0.695150745, 0.571190066, 0.455736885, 0.343706014, 0.225453638, 0.029167158],
            TimestepGrids.UniPcSigmas(20, S, "time_uniform"));
        AssertSigmas([14.614641229, 8.547658865, 5.469654436, 3.761712773, 2.737113870, 2.079221001, 1.631151950, 1.310164756, 1.070149293, 0.884105497,
                0.735507276, 0.613812268, 0.512018804, 0.425296916, 0.350178907, 0.284072924, 0.224963639, 0.171215377, 0.121452192, 0.074469146, 0.029167158],
            TimestepGrids.UniPcSigmas(20, S, "time_quadratic"));
        var log = TimestepGrids.UniPcSigmas(10, S, "logSNR");
        for (int i = 1; i < log.Length - 1; i++)
            Assert.Equal(Math.Log(log[i - 1] / log[i]), Math.Log(log[i] / log[i + 1]), 1e-9);
        Assert.Throws<ArgumentException>(() => TimestepGrids.UniPcSigmas(10, S, "bogus"));
    }
}
