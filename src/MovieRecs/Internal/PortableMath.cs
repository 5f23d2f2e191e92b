namespace MovieRecs.Internal;

/// <summary>
/// Logarithm and exponential computed from IEEE-exact operations only (+, −, ×, ÷, scaling by powers of two),
/// so they return the same bits on every CPU, operating system and runtime. The platform's
/// <see cref="Math.Log(double)"/> and <see cref="Math.Exp(double)"/> call the C library, whose last bit
/// differs between systems; seeded generators that must be reproducible everywhere use these instead.
/// </summary>
/// <remarks>Relative error below 1e-15 over the normal double range; not a replacement for general use.</remarks>
internal static class PortableMath
{
    // ln 2 split so that k * Ln2Hi is exact for |k| < 2^11.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Ln2 = 0.69314718055994530942;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>The natural logarithm of a positive finite <paramref name="x"/> (NaN for x ≤ 0 or NaN).</summary>
    public static double Log(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            return x == 0 ? double.NegativeInfinity : double.IsPositiveInfinity(x) ? x : double.NaN;
        }

        var exponent = 0;
        if (x < double.Epsilon * (1L << 52))
        {
            // Subnormal: scale into the normal range first (exact).
            x *= 18014398509481984.0; // 2^54
            exponent = -54;
        }

        var bits = BitConverter.DoubleToInt64Bits(x);
        exponent += (int)((bits >> 52) & 0x7FF) - 1023;
        var mantissa = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (mantissa > Sqrt2)
        {
            mantissa *= 0.5;
            exponent++;
        }

        // ln m = 2 atanh(f) with f = (m − 1)/(m + 1), |f| ≤ 0.1716: an odd series in f.
        var f = (mantissa - 1) / (mantissa + 1);
        var f2 = f * f;
        var series = 1.0 / 25;
        series = 1.0 / 23 + f2 * series;
        series = 1.0 / 21 + f2 * series;
        series = 1.0 / 19 + f2 * series;
        series = 1.0 / 17 + f2 * series;
        series = 1.0 / 15 + f2 * series;
        series = 1.0 / 13 + f2 * series;
        series = 1.0 / 11 + f2 * series;
        series = 1.0 / 9 + f2 * series;
        series = 1.0 / 7 + f2 * series;
        series = 1.0 / 5 + f2 * series;
        series = 1.0 / 3 + f2 * series;
        var lnMantissa = 2 * f + 2 * f * f2 * series;
        return exponent * Ln2Hi + (exponent * Ln2Lo + lnMantissa);
    }

    /// <summary>e raised to <paramref name="x"/> (0 below −745, +∞ above 709.78, NaN for NaN).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x > 709.782712893384)
        {
            return double.PositiveInfinity;
        }

        if (x < -745.1332191019412)
        {
            return 0;
        }

        // x = k ln2 + r with |r| ≤ ln2 / 2; e^r by its Taylor series, then an exact scaling by 2^k.
        var k = Math.Round(x / Ln2);
        var r = (x - k * Ln2Hi) - k * Ln2Lo;
        var term = 1.0;
        var sum = 1.0;
        for (var n = 1; n <= 17; n++)
        {
            term *= r / n;
            sum += term;
        }

        return Math.ScaleB(sum, (int)k);
    }

    /// <summary><paramref name="x"/> raised to <paramref name="y"/> for a positive finite <paramref name="x"/>.</summary>
    public static double Pow(double x, double y) => Exp(y * Log(x));
}
