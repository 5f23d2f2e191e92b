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
    public bool ToCsc_EqualsTheViewOfTheTranspose(CsrMatrix csr)
    {
        // ToCsc converts, AsTransposedCsc views: the CSC of A and the CSR of Aᵀ are the same arrays.
        var csc = csr.ToCsc();
        return csc.ContentEquals(csr.Transpose().AsTransposedCsc())
            && csr.AsTransposedCsc().ToCsr().ContentEquals(csr.Transpose())
            && csc.ToCsr().ContentEquals(csr);
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
}
