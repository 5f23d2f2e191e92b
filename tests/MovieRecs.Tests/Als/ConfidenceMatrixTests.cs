using System.Diagnostics;
using FsCheck.Xunit;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;
using MovieRecs.Tests.Generators;

namespace MovieRecs.Tests.Als;

public class ConfidenceMatrixTests
{
    private static void AssertSameRows(ConfidenceMatrix expected, ConfidenceMatrix actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        Assert.Equal(expected.MaxRowNonZeros, actual.MaxRowNonZeros);
        Assert.Equal(expected.RowPointers, actual.RowPointers);
        for (var r = 0; r < expected.RowCount; r++)
        {
            Assert.Equal(expected.RowColumns(r).ToArray(), actual.RowColumns(r).ToArray());
            Assert.Equal(expected.RowConfidence(r).ToArray(), actual.RowConfidence(r).ToArray());
        }
    }

    /// <summary>
    /// The item side as the trainer built it before it used <see cref="CscMatrix"/>: a counting-sort transpose of the
    /// user-side arrays, written out here as the reference.
    /// </summary>
    private static ConfidenceMatrix FormerTranspose(ConfidenceMatrix userRows)
    {
        var nnz = (int)userRows.NonZeroCount;
        var pointers = new long[userRows.ColumnCount + 1];
        foreach (var column in userRows.Columns.AsSpan(0, nnz))
        {
            pointers[column + 1]++;
        }

        for (var c = 0; c < userRows.ColumnCount; c++)
        {
            pointers[c + 1] += pointers[c];
        }

        var next = pointers[..^1];
        var columns = new int[nnz];
        var confidence = new float[nnz];
        for (var row = 0; row < userRows.RowCount; row++)
        {
            for (var k = userRows.RowPointers[row]; k < userRows.RowPointers[row + 1]; k++)
            {
                var target = next[userRows.Columns[k]]++;
                columns[target] = row;
                confidence[target] = userRows.Confidence[k];
            }
        }

        return ConfidenceMatrix.FromCsr(CsrMatrix.FromArrays(userRows.ColumnCount, userRows.RowCount, pointers, columns, confidence));
    }

    [Fact]
    public void FromCsr_AlphaOne_SharesTheMatrixArrays()
    {
        var matrix = TestMatrices.Random(3, users: 30, items: 20, density: 0.3);

        var confidence = ConfidenceMatrix.FromCsr(matrix, 1f, "userItems");

        Assert.Same(matrix.PointerArray, confidence.RowPointers);
        Assert.Same(matrix.IndexArray, confidence.Columns);
        Assert.Same(matrix.ValueArray, confidence.Confidence);
        Assert.Equal(matrix.NonZeroCount, confidence.NonZeroCount);
    }

    [Fact]
    public void FromCsr_OtherAlpha_SharesStructureAndScalesACopy()
    {
        var matrix = TestMatrices.Random(4, users: 30, items: 20, density: 0.3);
        var before = matrix.GetValues(0).ToArray();
        var values = matrix.ValueArray;

        var confidence = ConfidenceMatrix.FromCsr(matrix, 2.5f, "userItems");

        Assert.Same(matrix.IndexArray, confidence.Columns);
        Assert.NotSame(values, confidence.Confidence);
        Assert.Equal(values.Select(v => 2.5f * v), confidence.Confidence);
        Assert.Equal(before, matrix.GetValues(0).ToArray());
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(40f)]
    public void FromCsc_OfTheConfidences_EqualsTheFormerTranspose(float alpha)
    {
        var matrix = TestMatrices.Random(5, users: 40, items: 25, density: 0.3, negatives: true);
        var confidences = ConfidenceMatrix.Confidences(matrix, alpha, "userItems");
        var csc = confidences.ToCsc();

        var itemRows = ConfidenceMatrix.FromCsc(csc);

        AssertSameRows(FormerTranspose(ConfidenceMatrix.FromCsr(confidences)), itemRows);
        Assert.Same(csc.AsTransposedCsr().IndexArray, itemRows.Columns);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(4f)]
    public void FromCsr_NonFiniteConfidence_ThrowsNamingTheEntry(float alpha)
    {
        // Values 1 and 3 scaled so that 1 stays finite and 3 overflows times alpha.
        var input = CsrMatrix.FromTriplets(3, 4, [0, 2, 2], [1, 0, 3], [1f, 1f, 3f]).Scale(2e38f / alpha);

        var error = Assert.Throws<ArgumentException>(() => ConfidenceMatrix.FromCsr(input, alpha, "userItems"));

        Assert.Equal("userItems", error.ParamName);
        Assert.Contains("userItems[2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 60, Arbitrary = new[] { typeof(SparseArbitraries) })]
    public bool Fit_ItemSideFromCsc_BitIdenticalToTheFormerTranspose(Triplets t, bool unitAlpha)
    {
        // The public fit (item side from the CSC of the confidences) against the loop fed the former transpose.
        if (t.RowCount == 0 || t.ColumnCount == 0)
        {
            return true;
        }

        var matrix = t.ToCsr();
        var alpha = unitAlpha ? 1f : 3f;
        var trainer = new AlsTrainer(new AlsOptions { Factors = 5, Iterations = 3, Alpha = alpha, Regularization = 0.5, Seed = t.Count });
        var userRows = ConfidenceMatrix.FromCsr(matrix, alpha, "userItems");
        var viaCsc = Outcome(() => trainer.Fit(matrix, null, SimdWidth.Scalar, null, CancellationToken.None));
        var former = Outcome(() => trainer.Fit(userRows, FormerTranspose(userRows), null, SimdWidth.Scalar, Stopwatch.GetTimestamp(), null, CancellationToken.None));
        return viaCsc == former;
    }

    /// <summary>Every factor's bits, or the error message when the fit throws (negative values may diverge).</summary>
    private static string Outcome(Func<AlsModel> fit)
    {
        try
        {
            var model = fit();
            var bits = Enumerable.Range(0, model.UserCount).SelectMany(u => model.GetUserFactors(u).ToArray())
                .Concat(Enumerable.Range(0, model.ItemCount).SelectMany(i => model.GetItemFactors(i).ToArray()))
                .Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            return string.Join(' ', bits);
        }
        catch (ArithmeticException error)
        {
            return error.Message;
        }
    }
}
