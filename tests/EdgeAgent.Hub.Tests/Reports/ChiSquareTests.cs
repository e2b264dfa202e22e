using EdgeAgent.Hub.Reports;

namespace EdgeAgent.Hub.Tests.Reports;

public sealed class ChiSquareTests
{
    /// <summary>Upper-tail points of the χ² table (NIST/SEMATECH e-Handbook 1.3.6.7.4): P(χ²_ν ≤ x) = p.</summary>
    [Theory]
    [InlineData(0.90, 2, 4.605)]
    [InlineData(0.90, 4, 7.779)]
    [InlineData(0.90, 6, 10.645)]
    [InlineData(0.95, 10, 18.307)]
    [InlineData(0.99, 1, 6.635)]
    [InlineData(0.95, 3, 7.815)]
    [InlineData(0.10, 5, 1.610)]
    [InlineData(0.999, 100, 149.449)]
    public void Quantile_TableValues_AgreeToThreeDecimals(double p, int dof, double expected)
    {
        Assert.Equal(expected, ChiSquare.Quantile(p, dof), 3);
    }

    [Fact]
    public void Quantile_TwoDegrees_IsMinusTwoLnOneMinusP()
    {
        Assert.Equal(-2 * Math.Log(0.1), ChiSquare.Quantile(0.9, 2), 9);
    }

    [Theory]
    [InlineData(100.0, 0, 0.1, 43.4294)] // T / −ln α = 100 / 2.302585
    [InlineData(100.0, 1, 0.1, 25.7088)] // 2T / χ²(0.9; 4) = 200 / 7.7794
    [InlineData(100.0, 2, 0.1, 18.7888)] // 200 / χ²(0.9; 6) = 200 / 10.6446
    public void MtbfLowerBound_KnownCases(double hours, int failures, double alpha, double expected)
    {
        Assert.Equal(expected, ChiSquare.MtbfLowerBound(hours, failures, alpha), 3);
    }

    [Fact]
    public void LogGamma_IntegerArgument_IsLogFactorial()
    {
        Assert.Equal(Math.Log(120), ChiSquare.LogGamma(6), 10);
        Assert.Equal(0.5 * Math.Log(Math.PI), ChiSquare.LogGamma(0.5), 10);
    }
}
