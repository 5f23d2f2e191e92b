using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace MovieRecs.Tests.Generators;

/// <summary>Shrinking of single floats: toward 0, whole numbers before fractions, a negative zero before a zero.</summary>
public static class FloatShrink
{
    /// <summary>0; then, for a fraction, its whole part; for a whole number, whole numbers nearer 0; -0 becomes 0; NaN and infinities become 0.</summary>
    public static IEnumerable<float> Toward0(float value)
    {
        if (value == 0f)
        {
            if (float.IsNegative(value))
            {
                yield return 0f;
            }

            yield break;
        }

        yield return 0f;
        if (!float.IsFinite(value))
        {
            yield break;
        }

        var whole = MathF.Truncate(value);
        if (whole != value)
        {
            if (whole != 0f)
            {
                yield return whole;
            }

            yield break;
        }

        if (MathF.Abs(value) < 1 << 24)
        {
            foreach (var smaller in Shrinkable.Toward((int)value, 0).Where(v => v != 0))
            {
                yield return smaller;
            }
        }
    }

    /// <summary>A measure that <see cref="Toward0"/> strictly decreases: 0 for 0, then -0, whole numbers by size, fractions, and NaN and infinities last.</summary>
    public static double Size(float value) =>
        value == 0f ? (float.IsNegative(value) ? 0.5 : 0)
        : !float.IsFinite(value) ? double.MaxValue
        : MathF.Truncate(value) == value ? 1 + Math.Abs((double)value)
        : 2 + Math.Abs((double)value);

    public static string Show(float[] values) => string.Join(" ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}

/// <summary>
/// Values to select order statistics from (1 to 3,000 of them: zeros of both signs, small whole numbers with many
/// duplicates, and values over seven decades) and seven ranks, taken modulo the length so that they stay valid as
/// the values shrink.
/// </summary>
public sealed record SelectionCase(float[] Values, int[] Ranks)
{
    public int[] WrappedRanks => [.. Ranks.Select(r => r % Values.Length)];

    public static Gen<SelectionCase> Gen { get; } =
        from length in FsCheck.Fluent.Gen.Frequency((3, FsCheck.Fluent.Gen.Choose(1, 60)), (1, FsCheck.Fluent.Gen.Choose(1, 3000)))
        from values in FsCheck.Fluent.Gen.ArrayOf(Value, length)
        from ranks in FsCheck.Fluent.Gen.ArrayOf(FsCheck.Fluent.Gen.Choose(0, length - 1), 7)
        select new SelectionCase(values, ranks);

    public static Arbitrary<SelectionCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    public static IEnumerable<SelectionCase> Shrink(SelectionCase c) =>
        Shrinkable.ShrinkArray(c.Values, FloatShrink.Toward0, minLength: 1).Select(v => c with { Values = v })
            .Concat(Shrinkable.ShrinkArray(c.Ranks, r => Shrinkable.Toward(r, 0), minLength: 1).Select(r => c with { Ranks = r }));

    public override string ToString() => $"[{FloatShrink.Show(Values)}] ranks [{string.Join(", ", WrappedRanks)}]";

    private static Gen<float> Value { get; } =
        FsCheck.Fluent.Gen.Frequency(
            (1, FsCheck.Fluent.Gen.Constant(0f)),
            (1, FsCheck.Fluent.Gen.Constant(-0f)),
            (1, FsCheck.Fluent.Gen.Choose(-3, 3).Select(v => (float)v)),
            (2, from mantissa in FsCheck.Fluent.Gen.Choose(-500_000, 500_000)
                from decade in FsCheck.Fluent.Gen.Choose(-3, 3)
                select (float)(mantissa / 1e6 * Math.Pow(10, decade))));
}

/// <summary>
/// One to eight vectors of eight lanes (negative infinity, small whole numbers, values in [0, 1)) and a K from 1 to
/// their lane count, taken modulo the lane count so that it stays valid as the vectors shrink.
/// </summary>
public sealed record LaneCase(float[] Values, int K)
{
    public int VectorCount => Values.Length / 8;

    public int WrappedK => 1 + (K % Values.Length);

    public static Gen<LaneCase> Gen { get; } =
        from vectors in FsCheck.Fluent.Gen.Choose(1, 8)
        from values in FsCheck.Fluent.Gen.ArrayOf(
            FsCheck.Fluent.Gen.Frequency(
                (1, FsCheck.Fluent.Gen.Constant(float.NegativeInfinity)),
                (1, FsCheck.Fluent.Gen.Choose(-3, 2).Select(v => (float)v)),
                (4, FsCheck.Fluent.Gen.Choose(0, 999_999).Select(v => v / 1e6f))),
            vectors * 8)
        from k in FsCheck.Fluent.Gen.Choose(0, (vectors * 8) - 1)
        select new LaneCase(values, k);

    public static Arbitrary<LaneCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>A vector fewer (any one), a lane value nearer 0, a smaller K.</summary>
    public static IEnumerable<LaneCase> Shrink(LaneCase c)
    {
        for (var v = 0; v < c.VectorCount && c.VectorCount > 1; v++)
        {
            yield return c with { Values = [.. c.Values[..(v * 8)], .. c.Values[((v + 1) * 8)..]] };
        }

        foreach (var values in Shrinkable.ShrinkArray(c.Values, FloatShrink.Toward0, minLength: c.Values.Length))
        {
            yield return c with { Values = values };
        }

        foreach (var k in Shrinkable.Toward(c.K, 0))
        {
            yield return c with { K = k };
        }
    }

    public override string ToString() => $"[{FloatShrink.Show(Values)}] k {WrappedK}";
}

/// <summary>0 to 300 scores (a fifth NaN, the others half steps from -10 to 9.5, so they tie often) and a K of 1 to 39.</summary>
public sealed record TopKCase(float[] Scores, int K)
{
    public static Gen<TopKCase> Gen { get; } =
        from scores in Shrinkable.ArrayOf(
            FsCheck.Fluent.Gen.Frequency((1, FsCheck.Fluent.Gen.Constant(float.NaN)), (4, FsCheck.Fluent.Gen.Choose(-20, 19).Select(v => v * 0.5f))),
            0,
            300)
        from k in FsCheck.Fluent.Gen.Choose(1, 39)
        select new TopKCase(scores, k);

    public static Arbitrary<TopKCase> Arb { get; } = FsCheck.Fluent.Arb.From(Gen, Shrink);

    /// <summary>
    /// Fewer or simpler scores, a smaller K (also by whole vectors of 8, so that the scores after the first K keep
    /// their place in the SIMD blocks).
    /// </summary>
    public static IEnumerable<TopKCase> Shrink(TopKCase c) =>
        Shrinkable.ShrinkArray(c.Scores, FloatShrink.Toward0).Select(s => c with { Scores = s })
            .Concat(Shrinkable.Toward(c.K, 1).Concat(Enumerable.Range(1, c.K / 8).Select(v => c.K - (8 * v)).Where(k => k >= 1)).Distinct().Select(k => c with { K = k }));

    public override string ToString() => $"[{FloatShrink.Show(Scores)}] k {K}";
}

/// <summary>The arbitraries a <c>[Property(Arbitrary = [typeof(SelectionArbitraries)])]</c> draws its parameters from.</summary>
public static class SelectionArbitraries
{
    public static Arbitrary<SelectionCase> SelectionCase() => Generators.SelectionCase.Arb;

    public static Arbitrary<LaneCase> LaneCase() => Generators.LaneCase.Arb;

    public static Arbitrary<TopKCase> TopKCase() => Generators.TopKCase.Arb;
}
