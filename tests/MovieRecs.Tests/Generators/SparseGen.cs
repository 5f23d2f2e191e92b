using FsCheck;
using FsCheck.Fluent;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Generators;

/// <summary>
/// Generators and shrinkers for sparse matrices and factor sets. Properties take the drawn values as
/// parameters (through <see cref="SparseArbitraries"/>), so a failing case shrinks to a small one:
/// entries are removed, the last row and column dropped, entries moved to row and column 0 and values
/// simplified, until nothing smaller still fails.
/// </summary>
public static class SparseGen
{
    public const int MaxSize = 12;
    public const int MaxCount = 80;
    public const int MaxFactors = 16;

    /// <summary>Small halves from -1.5 to 2.5: exact in float, so sums are exact too; zeros included.</summary>
    public static Gen<float> Value { get; } = Gen.Choose(-3, 5).Select(k => k * 0.5f);

    /// <summary>Quarters from -2 to 2: exact in float, small enough that dot products are exact.</summary>
    public static Gen<float> FactorValue { get; } = Gen.Choose(-8, 8).Select(k => k * 0.25f);

    /// <summary>Shapes 0..12 x 0..12 with up to 80 entries, many of them duplicates.</summary>
    public static Gen<Triplets> AnyTriplets { get; } =
        from rowCount in Gen.Choose(0, MaxSize)
        from columnCount in Gen.Choose(0, MaxSize)
        from count in rowCount == 0 || columnCount == 0 ? Gen.Constant(0) : Gen.Choose(0, MaxCount)
        from entries in Gen.ArrayOf(
            from row in Gen.Choose(0, Math.Max(rowCount - 1, 0))
            from column in Gen.Choose(0, Math.Max(columnCount - 1, 0))
            from value in Value
            select (row, column, value),
            count)
        select Make(rowCount, columnCount, entries);

    /// <summary>Positive half stars from 0.5 to 5, as ratings and interaction strengths are.</summary>
    public static Gen<float> HalfStars { get; } = Gen.Choose(1, 10).Select(k => k * 0.5f);

    /// <summary>Whole stars from 1 to 5; with <paramref name="negatives"/>, a quarter of them negated (negative feedback).</summary>
    public static Gen<float> Stars(bool negatives = false, int minRating = 1) =>
        from stars in Gen.Choose(minRating, 5)
        from negate in negatives ? Gen.Choose(0, 3).Select(k => k == 0) : Gen.Constant(false)
        select negate ? -(float)stars : stars;

    /// <summary>
    /// Shapes of <paramref name="minRows"/>..<paramref name="maxRows"/> x <paramref name="minColumns"/>..<paramref name="maxColumns"/>
    /// with a density drawn from 0 to <paramref name="maxDensity"/>: that share of the cells as entries at random
    /// places (so a few are duplicates, unless <paramref name="distinctCells"/> keeps only the first entry of each cell),
    /// values from <paramref name="value"/>. Shrink with <see cref="Shrink(Triplets, int, int)"/>.
    /// </summary>
    public static Gen<Triplets> Matrices(int minRows, int maxRows, int minColumns, int maxColumns, double maxDensity, Gen<float> value, bool distinctCells = false) =>
        from rowCount in Gen.Choose(minRows, maxRows)
        from columnCount in Gen.Choose(minColumns, maxColumns)
        from percent in Gen.Choose(0, 100)
        from entries in Gen.ArrayOf(
            from row in Gen.Choose(0, Math.Max(rowCount - 1, 0))
            from column in Gen.Choose(0, Math.Max(columnCount - 1, 0))
            from v in value
            select (row, column, v),
            rowCount == 0 || columnCount == 0 ? 0 : (int)(rowCount * columnCount * maxDensity * percent / 100))
        select Make(rowCount, columnCount, distinctCells ? [.. entries.DistinctBy(e => (e.row, e.column))] : entries);

    /// <summary>1..12 rows of 1..16 factors (by default), values from <paramref name="value"/> (<see cref="FactorValue"/> by default).</summary>
    public static Gen<FactorSet> FactorSets(int minRows = 1, int maxRows = MaxSize, int minFactors = 1, int maxFactors = MaxFactors, Gen<float>? value = null) =>
        from rows in Gen.Choose(minRows, maxRows)
        from factors in Gen.Choose(minFactors, maxFactors)
        from values in Gen.ArrayOf(value ?? FactorValue, rows * factors)
        select new FactorSet(rows, factors, values);

    public static Arbitrary<Triplets> TripletsArb { get; } = Arb.From(AnyTriplets, Shrink);

    public static Arbitrary<CsrMatrix> CsrArb { get; } =
        Arb.From(AnyTriplets.Select(t => t.ToCsr()), m => Shrink(Triplets.FromCsr(m)).Select(t => t.ToCsr()));

    public static Arbitrary<FactorSet> FactorSetArb { get; } = Arb.From(FactorSets(), Shrink);

    /// <summary>
    /// Smaller triplets, biggest steps first: no entries, half the entries, one entry fewer, the last row or
    /// column dropped (with the entries in it), an entry moved to row or column 0, a value one half-step nearer 1.
    /// Every candidate is strictly smaller in <see cref="Size(Triplets)"/>, so shrinking ends.
    /// </summary>
    public static IEnumerable<Triplets> Shrink(Triplets t)
    {
        var entries = Entries(t);
        if (entries.Length > 0)
        {
            yield return t with { Rows = [], Columns = [], Values = [] };
        }

        if (entries.Length > 2)
        {
            var half = entries.Length / 2;
            yield return Make(t.RowCount, t.ColumnCount, entries[..half]);
            yield return Make(t.RowCount, t.ColumnCount, entries[half..]);
        }

        if (entries.Length > 1)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                yield return Make(t.RowCount, t.ColumnCount, [.. entries[..i], .. entries[(i + 1)..]]);
            }
        }

        if (t.RowCount > 0)
        {
            var rows = t.RowCount - 1;
            yield return Make(rows, t.ColumnCount, [.. entries.Where(e => e.Row < rows)]);
        }

        if (t.ColumnCount > 0)
        {
            var columns = t.ColumnCount - 1;
            yield return Make(t.RowCount, columns, [.. entries.Where(e => e.Column < columns)]);
        }

        for (var i = 0; i < entries.Length; i++)
        {
            var (row, column, value) = entries[i];
            if (row > 0)
            {
                yield return Replace(t, entries, i, (0, column, value));
            }

            if (column > 0)
            {
                yield return Replace(t, entries, i, (row, 0, value));
            }

            if (value != 1f)
            {
                yield return Replace(t, entries, i, (row, column, value + (value > 1f ? -0.5f : 0.5f)));
            }
        }
    }

    /// <summary>As <see cref="Shrink(Triplets)"/>, keeping at least <paramref name="minRows"/> rows and <paramref name="minColumns"/> columns.</summary>
    public static IEnumerable<Triplets> Shrink(Triplets t, int minRows, int minColumns) =>
        Shrink(t).Where(s => s.RowCount >= minRows && s.ColumnCount >= minColumns);

    /// <summary>
    /// Smaller factor sets: half the rows, a row or a factor removed, a value one quarter-step nearer 0 (a value off
    /// the quarter grid goes to the grid point nearer 0 first).
    /// </summary>
    public static IEnumerable<FactorSet> Shrink(FactorSet f)
    {
        if (f.RowCount > 2)
        {
            var half = f.RowCount / 2;
            yield return f with { RowCount = half, Values = f.Values[..(half * f.FactorCount)] };
            yield return f with { RowCount = f.RowCount - half, Values = f.Values[(half * f.FactorCount)..] };
        }

        for (var row = f.RowCount - 1; row >= 0 && f.RowCount > 1; row--)
        {
            yield return f with { RowCount = f.RowCount - 1, Values = [.. f.Values[..(row * f.FactorCount)], .. f.Values[((row + 1) * f.FactorCount)..]] };
        }

        for (var factor = f.FactorCount - 1; factor >= 0 && f.FactorCount > 1; factor--)
        {
            var factors = f.FactorCount - 1;
            var values = new float[f.RowCount * factors];
            for (var r = 0; r < f.RowCount; r++)
            {
                var source = f.Row(r);
                var target = values.AsSpan(r * factors, factors);
                source[..factor].CopyTo(target);
                source[(factor + 1)..].CopyTo(target[factor..]);
            }

            yield return f with { FactorCount = factors, Values = values };
        }

        for (var i = 0; i < f.Values.Length; i++)
        {
            var value = f.Values[i];
            if (value != 0f && float.IsFinite(value))
            {
                var values = (float[])f.Values.Clone();
                var quarters = MathF.Truncate(value * 4);
                values[i] = quarters == value * 4 ? value - (MathF.Sign(value) * 0.25f) : quarters / 4;
                yield return f with { Values = values };
            }
        }
    }

    /// <summary>A measure that every shrink step strictly decreases (and that is never negative).</summary>
    public static double Size(Triplets t)
    {
        var size = (double)t.RowCount + t.ColumnCount + t.Count;
        for (var i = 0; i < t.Count; i++)
        {
            size += t.Rows[i] + t.Columns[i] + (2 * Math.Abs(t.Values[i] - 1.0));
        }

        return size;
    }

    /// <summary>A measure that every factor-set shrink step strictly decreases.</summary>
    public static double Size(FactorSet f) => f.RowCount + f.FactorCount + f.Values.Sum(v => 4 * Math.Abs((double)v));

    private static (int Row, int Column, float Value)[] Entries(Triplets t) =>
        [.. Enumerable.Range(0, t.Count).Select(i => (t.Rows[i], t.Columns[i], t.Values[i]))];

    private static Triplets Replace(Triplets t, (int, int, float)[] entries, int index, (int, int, float) entry)
    {
        var copy = ((int, int, float)[])entries.Clone();
        copy[index] = entry;
        return Make(t.RowCount, t.ColumnCount, copy);
    }

    private static Triplets Make(int rowCount, int columnCount, (int Row, int Column, float Value)[] entries) =>
        new(rowCount, columnCount, [.. entries.Select(e => e.Row)], [.. entries.Select(e => e.Column)], [.. entries.Select(e => e.Value)]);
}

/// <summary>The arbitraries a <c>[Property(Arbitrary = [typeof(SparseArbitraries)])]</c> draws its parameters from.</summary>
public static class SparseArbitraries
{
    public static Arbitrary<Triplets> Triplets() => SparseGen.TripletsArb;

    public static Arbitrary<CsrMatrix> CsrMatrix() => SparseGen.CsrArb;

    public static Arbitrary<FactorSet> FactorSet() => SparseGen.FactorSetArb;

    public static Arbitrary<ScoringCase> ScoringCase() => Generators.ScoringCase.Arb;
}
