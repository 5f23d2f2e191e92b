using MovieRecs.Als;
using MovieRecs.Sparse;

namespace MovieRecs.Tests.Als;

public class ConfidenceMatrixTests
{
    [Fact]
    public void FromCsr_AlphaOne_SharesTheMatrixArrays()
    {
        var matrix = TestMatrices.Random(3, users: 30, items: 20, density: 0.3);

        var confidence = ConfidenceMatrix.FromCsr(matrix, 1f, "userItems");

        Assert.Same(matrix.Storage.PointerArray, confidence.RowPointers);
        Assert.Same(matrix.Storage.IndexArray, confidence.Columns);
        Assert.Same(matrix.Storage.ValueArray, confidence.Confidence);
        Assert.Equal(matrix.NonZeroCount, confidence.NonZeroCount);
    }

    [Fact]
    public void FromCsr_OtherAlpha_SharesStructureAndScalesACopy()
    {
        var matrix = TestMatrices.Random(4, users: 30, items: 20, density: 0.3);
        var before = matrix.GetValues(0).ToArray();
        var values = matrix.Storage.ValueArray;

        var confidence = ConfidenceMatrix.FromCsr(matrix, 2.5f, "userItems");

        Assert.Same(matrix.Storage.IndexArray, confidence.Columns);
        Assert.NotSame(values, confidence.Confidence);
        Assert.Equal(values.Select(v => 2.5f * v), confidence.Confidence);
        Assert.Equal(before, matrix.GetValues(0).ToArray());
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(4f)]
    public void FromCsr_NonFiniteConfidence_ThrowsNamingTheEntry(float alpha)
    {
        // Values 1 and 3 scaled so that 1 stays finite and 3 overflows, in Scale (alpha 1) or times alpha.
        var input = CsrMatrix.FromTriplets(3, 4, [0, 2, 2], [1, 0, 3], [1f, 1f, 3f]).Scale(alpha == 1f ? 2e38f : 5e37f);

        var error = Assert.Throws<ArgumentException>(() => ConfidenceMatrix.FromCsr(input, alpha, "userItems"));

        Assert.Equal("userItems", error.ParamName);
        Assert.Contains("userItems[2, 3]", error.Message, StringComparison.Ordinal);
    }
}
