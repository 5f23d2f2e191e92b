using FsCheck.Xunit;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Sparse;

/// <summary>
/// Algebraic facts of the sparse formats. Every property takes generated <see cref="Triplets"/>, so a failure
/// shrinks to the smallest matrix that still fails.
/// </summary>
public class CsrMatrixPropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool FromTriplets_ToDense_EqualsDenseSumOfTriplets(Triplets t)
    {
        var csr = t.ToCsr();
        return DenseEqual(csr.ToDense(), t.DenseSum()) && IsCanonical(csr);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool FromTriplets_AnyOrderOfTheTriplets_GivesTheSameMatrix(Triplets t)
    {
        // The values are halves, so duplicates sum exactly in any order and the result must not depend on the order.
        // The orders reach both build paths: grouped by row (a sort within each row, here also of reversed columns)
        // and any other order (a column-major pass first).
        var given = Enumerable.Range(0, t.Count).ToArray();
        int[][] orders =
        [
            [.. given.OrderBy(i => t.Rows[i]).ThenBy(i => t.Columns[i])],
            [.. given.OrderBy(i => t.Rows[i]).ThenByDescending(i => t.Columns[i]).ThenByDescending(i => i)],
            [.. given.OrderBy(i => t.Columns[i]).ThenByDescending(i => t.Rows[i])],
            [.. given.Reverse()],
        ];
        SparseBuildOptions[] options =
        [
            SparseBuildOptions.Default,
            new() { Duplicates = DuplicateHandling.Max },
            new() { KeepExplicitZeros = true },
        ];
        foreach (var option in options)
        {
            var expected = Build(given, option);
            if (!IsCanonical(option.KeepExplicitZeros ? expected.EliminateZeros() : expected)
                || orders.Any(order => !Build(order, option).ContentEquals(expected)))
            {
                return false;
            }
        }

        return true;

        CsrMatrix Build(int[] order, SparseBuildOptions option) =>
            CsrMatrix.FromTriplets(
                t.RowCount,
                t.ColumnCount,
                [.. order.Select(i => t.Rows[i])],
                [.. order.Select(i => t.Columns[i])],
                [.. order.Select(i => t.Values[i])],
                option);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Transpose_Twice_IsIdentity(Triplets t)
    {
        var csr = t.ToCsr();
        return csr.Transpose().Transpose().ContentEquals(csr);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Transpose_ToDense_IsDenseTranspose(Triplets t)
    {
        var csr = t.ToCsr();
        var dense = csr.ToDense();
        var transposed = csr.Transpose();
        if (transposed.RowCount != csr.ColumnCount || transposed.ColumnCount != csr.RowCount || !IsCanonical(transposed))
        {
            return false;
        }

        var dt = transposed.ToDense();
        for (var r = 0; r < csr.RowCount; r++)
        {
            for (var c = 0; c < csr.ColumnCount; c++)
            {
                if (dense[r, c] != dt[c, r])
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool CsrToCsc_RoundTrip_IsIdentity(Triplets t)
    {
        var csr = t.ToCsr();
        var csc = csr.ToCsc();
        return DenseEqual(csc.ToDense(), csr.ToDense())
            && csc.ToCsr().ContentEquals(csr);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool RowSpans_MatchDenseRows(Triplets t)
    {
        var csr = t.ToCsr();
        var dense = t.DenseSum();
        for (var r = 0; r < csr.RowCount; r++)
        {
            var columns = csr.GetColumnIndices(r);
            var values = csr.GetValues(r);
            var expected = new List<(int, float)>();
            for (var c = 0; c < csr.ColumnCount; c++)
            {
                if (dense[r, c] != 0f)
                {
                    expected.Add((c, dense[r, c]));
                }
            }

            if (columns.Length != expected.Count || csr.GetRowNonZeroCount(r) != expected.Count)
            {
                return false;
            }

            for (var k = 0; k < columns.Length; k++)
            {
                if (columns[k] != expected[k].Item1 || values[k] != expected[k].Item2 || csr[r, columns[k]] != values[k])
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool RowAndColumnCounts_MatchDense(Triplets t)
    {
        var csr = t.ToCsr();
        var dense = csr.ToDense();
        var rowCounts = csr.GetRowCounts();
        var columnCounts = csr.GetColumnCounts();
        var csc = csr.ToCsc();
        for (var r = 0; r < csr.RowCount; r++)
        {
            var n = 0;
            for (var c = 0; c < csr.ColumnCount; c++)
            {
                n += dense[r, c] != 0f ? 1 : 0;
            }

            if (rowCounts[r] != n)
            {
                return false;
            }
        }

        return columnCounts.AsSpan().SequenceEqual(csc.GetColumnCounts())
            && rowCounts.AsSpan().SequenceEqual(csc.GetRowCounts())
            && columnCounts.Sum() == csr.NonZeroCount;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool FromArrays_OfBuiltMatrix_RoundTrips(Triplets t)
    {
        var csr = t.ToCsr();
        var columns = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < csr.RowCount; r++)
        {
            columns.AddRange(csr.GetColumnIndices(r).ToArray());
            values.AddRange(csr.GetValues(r).ToArray());
        }

        var copy = CsrMatrix.FromArrays(csr.RowCount, csr.ColumnCount, csr.RowPointers, columns.ToArray(), values.ToArray());
        return copy.ContentEquals(csr);
    }

    [Property(MaxTest = 50, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Builder_GrowingInSteps_EqualsFromTriplets(Triplets t)
    {
        // Up to 80 triplets: the arrays grow from 0 to 16, 24, 36, 54 and 81 entries on the way.
        var builder = new SparseMatrixBuilder(t.RowCount, t.ColumnCount);
        var half = t.Rows.Length / 2;
        builder.AddRange(t.Rows.AsSpan(0, half), t.Columns.AsSpan(0, half), t.Values.AsSpan(0, half));
        for (var i = half; i < t.Rows.Length; i++)
        {
            builder.Add(t.Rows[i], t.Columns[i], t.Values[i]);
        }

        var expected = t.ToCsr();
        return builder.Count == t.Rows.Length
            && builder.ToCsr().ContentEquals(expected);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool FromDense_OfToDense_IsTheSameMatrix(CsrMatrix csr) =>
        CsrMatrix.FromDense(csr.ToDense()).ContentEquals(csr);

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Sum_AddsEveryStoredValueInDouble(CsrMatrix csr)
    {
        var expected = 0.0;
        for (var r = 0; r < csr.RowCount; r++)
        {
            foreach (var value in csr.GetValues(r))
            {
                expected += value;
            }
        }

        return csr.Sum() == expected;
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool ValueMaps_MapEveryValue_KeepTheStructure(CsrMatrix csr)
    {
        // log(1 + 0.5 v) is finite for v > -2; a value at most -2 makes LogScale throw instead of storing it.
        var logFinite = csr.ValueArray.AsSpan(0, (int)csr.NonZeroCount).IndexOfAnyInRange(float.MinValue, -2f) < 0;
        return Maps(csr.Scale(2.5f), v => 2.5f * v)
            && Maps(csr.Binarize(), _ => 1f)
            && (logFinite ? Maps(csr.LogScale(0.5f), v => MathF.Log(1f + (0.5f * v))) : Throws(() => csr.LogScale(0.5f)))
            && Maps(csr.MapValues(v => (v * v) - 1f), v => (v * v) - 1f);

        static bool Throws(Action action)
        {
            try
            {
                action();
                return false;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }

        bool Maps(CsrMatrix mapped, Func<float, float> expected)
        {
            if (mapped.RowCount != csr.RowCount || mapped.ColumnCount != csr.ColumnCount || !mapped.RowPointers.SequenceEqual(csr.RowPointers))
            {
                return false;
            }

            for (var r = 0; r < csr.RowCount; r++)
            {
                var values = csr.GetValues(r);
                var mappedValues = mapped.GetValues(r);
                if (!mapped.GetColumnIndices(r).SequenceEqual(csr.GetColumnIndices(r)))
                {
                    return false;
                }

                for (var k = 0; k < values.Length; k++)
                {
                    if (BitConverter.SingleToInt32Bits(mappedValues[k]) != BitConverter.SingleToInt32Bits(expected(values[k])))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Filters_KeepExactlyTheMatchingEntries(Triplets t)
    {
        // Built with explicit zeros kept, so EliminateZeros has zeros to drop and KeepAtLeast negatives and zeros.
        var csr = CsrMatrix.FromTriplets(t.RowCount, t.ColumnCount, t.Rows, t.Columns, t.Values, new SparseBuildOptions { KeepExplicitZeros = true });
        var dense = csr.ToDense();
        return Keeps(csr.EliminateZeros(), v => v != 0f) && Keeps(csr.KeepAtLeast(0.5f), v => v >= 0.5f);

        bool Keeps(CsrMatrix filtered, Func<float, bool> keep)
        {
            var expected = (float[,])dense.Clone();
            var count = 0;
            for (var r = 0; r < csr.RowCount; r++)
            {
                foreach (var value in csr.GetValues(r))
                {
                    count += keep(value) ? 1 : 0;
                }

                foreach (var c in csr.GetColumnIndices(r))
                {
                    expected[r, c] = keep(dense[r, c]) ? dense[r, c] : 0f;
                }
            }

            return filtered.NonZeroCount == count
                && filtered.RowPointers.Length == csr.RowCount + 1
                && filtered.ColumnCount == csr.ColumnCount
                && DenseEqual(filtered.ToDense(), expected);
        }
    }

    internal static bool DenseEqual(float[,] a, float[,] b)
    {
        if (a.GetLength(0) != b.GetLength(0) || a.GetLength(1) != b.GetLength(1))
        {
            return false;
        }

        for (var r = 0; r < a.GetLength(0); r++)
        {
            for (var c = 0; c < a.GetLength(1); c++)
            {
                if (a[r, c] != b[r, c])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Sorted, duplicate-free, zero-free rows and consistent pointers.</summary>
    internal static bool IsCanonical(CsrMatrix m)
    {
        var pointers = m.RowPointers;
        if (pointers.Length != m.RowCount + 1 || pointers[0] != 0 || pointers[m.RowCount] != m.NonZeroCount)
        {
            return false;
        }

        for (var r = 0; r < m.RowCount; r++)
        {
            var columns = m.GetColumnIndices(r);
            var values = m.GetValues(r);
            if (pointers[r + 1] - pointers[r] != columns.Length)
            {
                return false;
            }

            for (var k = 0; k < columns.Length; k++)
            {
                if ((k > 0 && columns[k] <= columns[k - 1]) || values[k] == 0f)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
