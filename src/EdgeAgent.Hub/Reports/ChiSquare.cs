namespace EdgeAgent.Hub.Reports;

/// <summary>
/// The χ² distribution through the regularized lower incomplete gamma function P(a, x) (series for x &lt; a + 1, Lentz's
/// continued fraction for the upper tail otherwise, ln Γ by Lanczos), and its quantile by bisection on the CDF.
/// </summary>
internal static class ChiSquare
{
    /// <summary>P(χ²_ν ≤ x) = P(ν/2, x/2).</summary>
    public static double Cdf(double x, double degreesOfFreedom) => x <= 0 ? 0 : RegularizedLowerGamma(degreesOfFreedom / 2, x / 2);

    /// <summary>The x with P(χ²_ν ≤ x) = p, to about 1e-12 relative.</summary>
    public static double Quantile(double p, double degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(p, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(degreesOfFreedom, 0.0);
        var (lo, hi) = (0.0, Math.Max(1.0, degreesOfFreedom));
        while (Cdf(hi, degreesOfFreedom) < p)
        {
            hi *= 2;
        }

        for (var i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            var mid = (lo + hi) / 2;
            if (Cdf(mid, degreesOfFreedom) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    /// <summary>
    /// The MTBF lower confidence bound θ_L = 2T / χ²(1−α; 2r+2) for T hours with r relevant failures (time-terminated
    /// test); with r = 0 this is T / (−ln α).
    /// </summary>
    public static double MtbfLowerBound(double hours, int failures, double alpha) =>
        hours <= 0 ? 0 : failures == 0 ? hours / -Math.Log(alpha) : 2 * hours / Quantile(1 - alpha, (2 * failures) + 2);

    public static double RegularizedLowerGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x < a + 1)
        {
            // Series: P(a,x) = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
            var (term, sum, n) = (1.0 / a, 1.0 / a, a);
            for (var i = 0; i < 10_000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; i++)
            {
                n += 1;
                term *= x / n;
                sum += term;
            }

            return sum * Math.Exp(-x + (a * Math.Log(x)) - LogGamma(a));
        }

        // Continued fraction for Q(a,x) (modified Lentz).
        const double Tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return 1 - (Math.Exp(-x + (a * Math.Log(x)) - LogGamma(a)) * h);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        var sum = g[0];
        for (var i = 1; i < g.Length; i++)
        {
            sum += g[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
