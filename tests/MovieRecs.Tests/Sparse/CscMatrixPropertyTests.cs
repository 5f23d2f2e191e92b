using FsCheck.Xunit;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Sparse;

/// <summary>
/// The CSC form and the conversions between CSR and CSC, on generated matrices that shrink to the smallest failing
/// case.
/// </summary>
public class CscMatrixPropertyTests
{
    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool ToCsr_ThenToCsc_IsIdentity(Triplets t)
    {
        var csc = CscMatrix.FromTriplets(t.RowCount, t.ColumnCount, t.Rows, t.Columns, t.Values);
        var csr = csc.ToCsr();
        return csr.ContentEquals(t.ToCsr()) && csr.ToCsc().ContentEquals(csc);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Transpose_Twice_IsIdentity(CsrMatrix csr)
    {
        var csc = csr.ToCsc();
        var transposed = csc.Transpose();
        return transposed.RowCount == csc.ColumnCount
            && transposed.ColumnCount == csc.RowCount
            && transposed.Transpose().ContentEquals(csc);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Columns_AreTheRowsOfTheTranspose_InIncreasingRowOrder(CsrMatrix csr)
    {
        // The trainer's item side: column j of the CSC lists the rows (users) of column j in increasing order.
        var csc = csr.ToCsc();
        var transposed = csr.Transpose();
        if (!csc.AsTransposedCsr().ContentEquals(transposed) || csc.NonZeroCount != csr.NonZeroCount)
        {
            return false;
        }

        for (var j = 0; j < csc.ColumnCount; j++)
        {
            var rows = csc.GetRowIndices(j);
            var values = csc.GetValues(j);
            if (csc.GetColumnNonZeroCount(j) != rows.Length)
            {
                return false;
            }

            for (var k = 0; k < rows.Length; k++)
            {
                if ((k > 0 && rows[k] <= rows[k - 1]) || csr[rows[k], j] != values[k] || csc[rows[k], j] != values[k])
                {
                    return false;
                }
            }
        }

        return csc.ColumnPointers.SequenceEqual(transposed.RowPointers);
    }

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool ValueMaps_CommuteWithToCsc(CsrMatrix csr) =>
        csr.Scale(2f).ToCsc().ContentEquals(csr.ToCsc().Scale(2f))
        && csr.Binarize().ToCsc().ContentEquals(csr.ToCsc().Binarize())
        && csr.KeepAtLeast(1f).ToCsc().ContentEquals(csr.ToCsc().KeepAtLeast(1f));
}
