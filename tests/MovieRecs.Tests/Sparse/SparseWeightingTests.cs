using MovieRecs.Sparse;

namespace MovieRecs.Tests.Sparse;

public class SparseWeightingTests
{
    private static readonly SparseBuildOptions KeepZeros = new() { KeepExplicitZeros = true };

    [Fact]
    public void TfIdfWeight_NegativeValue_ThrowsNamingTheEntryAndItsValue()
    {
        var matrix = CsrMatrix.FromTriplets(2, 3, [0, 1, 1], [2, 0, 1], [1f, 4f, -2.5f]);
        var ex = Assert.Throws<ArgumentException>(() => SparseWeighting.TfIdfWeight(matrix));
        Assert.Equal("matrix", ex.ParamName);
        Assert.StartsWith("The TF-IDF weight of matrix[1, 1] = -2.5 is NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bm25Weight_MeanRowSumZero_ThrowsNamingTheEntryAndTheCause()
    {
        // Only explicit zeros: every row sums to 0, so the length normalisation is 0 / 0.
        var matrix = CsrMatrix.FromTriplets(2, 2, [0, 1], [1, 0], [0f, 0f], KeepZeros);
        var ex = Assert.Throws<ArgumentException>(() => SparseWeighting.Bm25Weight(matrix));
        Assert.Equal("matrix", ex.ParamName);
        Assert.StartsWith("The BM25 weight of matrix[0, 1] = 0 is NaN", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mean row sum 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bm25Weight_ZeroValueWithK1Zero_ThrowsNamingTheEntry()
    {
        // x (K1 + 1) / (K1 L + x) is 0 / 0 for a stored zero when K1 is 0, whatever the other rows hold.
        var matrix = CsrMatrix.FromTriplets(2, 2, [0, 1, 1], [0, 0, 1], [3f, 1f, 0f], KeepZeros);
        var ex = Assert.Throws<ArgumentException>(() => SparseWeighting.Bm25Weight(matrix, k1: 0, b: 0.5));
        Assert.Equal("matrix", ex.ParamName);
        Assert.StartsWith("The BM25 weight of matrix[1, 1] = 0 is NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bm25Weight_RowSumZeroWithK1Zero_IsFinite()
    {
        // A row whose values cancel (sum 0) only shortens its length norm to 1 - B; with K1 = 0 each weight is idf.
        var matrix = CsrMatrix.FromTriplets(3, 4, [0, 0, 1, 2], [0, 1, 2, 3], [-1f, 1f, 2f, 1f]);
        var weighted = SparseWeighting.Bm25Weight(matrix, k1: 0, b: 0.8);
        var idf = (float)(Math.Log(3) - Math.Log(2));
        Assert.Equal([idf, idf], weighted.GetValues(0).ToArray());
        Assert.Equal(idf, weighted[1, 2]);
    }
}
