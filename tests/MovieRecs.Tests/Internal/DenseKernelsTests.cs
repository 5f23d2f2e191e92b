using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

[Trait("Category", "Kernels")]
public sealed class DenseKernelsTests
{
    public static TheoryData<string> Widths => KernelChecks.Widths;

    [Theory]
    [MemberData(nameof(Widths))]
    public void Dot_AllLengthsAndOffsets_MatchReference(string width)
    {
        var checks = KernelChecks.For(width);
        for (var length = 0; length <= 257; length++)
        {
            checks.Dot(length, length % 5);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Axpy_AllLengthsAndOffsets_MatchReferenceAndLeaveOutsideUntouched(string width)
    {
        var checks = KernelChecks.For(width);
        for (var length = 0; length <= 257; length++)
        {
            checks.Axpy(length, length % 3);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ScaleAndAdd_AllLengths_MatchReference(string width)
    {
        var checks = KernelChecks.For(width);
        for (var length = 0; length <= 257; length++)
        {
            checks.ScaleAndAdd(length);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void GatherDots_RowCountsAndWidths_MatchReference(string width)
    {
        var checks = KernelChecks.For(width);
        foreach (var rows in new[] { 0, 1, 7, 8, 9, 17, 33 })
        {
            for (var w = 0; w <= 70; w += (w < 20 ? 1 : 7))
            {
                checks.GatherDots(rows, w);
            }
        }

        checks.GatherDots(5, 257);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AccumulateRows_RowCountsAndWidths_MatchReference(string width)
    {
        var checks = KernelChecks.For(width);
        foreach (var rows in new[] { 0, 1, 2, 3, 4, 5, 9, 30 })
        {
            for (var w = 0; w <= 70; w += (w < 20 ? 1 : 7))
            {
                checks.AccumulateRows(rows, w, accumulate: false);
                checks.AccumulateRows(rows, w, accumulate: true);
            }
        }

        checks.AccumulateRows(6, 257, accumulate: true);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void GatherDotsAccumulate_RowCountsWidthsOffsetsAndSigns_MatchReference(string width)
    {
        // The fused CG product: eight rows per block (their coefficients computed together), then single rows.
        var checks = KernelChecks.For(width);
        foreach (var rows in new[] { 0, 1, 7, 8, 9, 16, 17, 33 })
        {
            for (var w = 0; w <= 70; w += (w < 20 ? 1 : 7))
            {
                checks.GatherDotsAccumulate(rows, w, withOffsets: false, sign: 1f);
                checks.GatherDotsAccumulate(rows, w, withOffsets: true, sign: -1f);
            }
        }

        checks.GatherDotsAccumulate(24, 112, withOffsets: true, sign: -1f);
        checks.GatherDotsAccumulate(13, 257, withOffsets: false, sign: 1f);

        // Rows of exactly seven vectors at each width (the unrolled form on machines with 32 vector registers).
        foreach (var seven in new[] { 7, 28, 56, 112 })
        {
            foreach (var rows in new[] { 1, 8, 16, 23 })
            {
                checks.GatherDotsAccumulate(rows, seven, withOffsets: false, sign: 1f);
                checks.GatherDotsAccumulate(rows, seven, withOffsets: true, sign: -1f);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void GatherWeightedSquares_RowCountsAndWidths_MatchReferenceAndGeneralForm(string width)
    {
        // The last CG step's p·Ap data term: eight rows per block, then single rows; rows of seven vectors unrolled.
        var checks = KernelChecks.For(width);
        foreach (var rows in new[] { 0, 1, 7, 8, 9, 16, 17, 33 })
        {
            for (var w = 0; w <= 70; w += (w < 20 ? 1 : 7))
            {
                checks.GatherWeightedSquares(rows, w);
            }

            foreach (var seven in new[] { 7, 28, 56, 112 })
            {
                checks.GatherWeightedSquares(rows, seven);
            }
        }

        checks.GatherWeightedSquares(13, 257);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ConjugateGradientStep_Lengths_MatchReferenceAndGeneralForm(string width)
    {
        // Rows of seven vectors at each width (7, 28, 56, 112) take the fused form on machines with 32 vector registers.
        var checks = KernelChecks.For(width);
        foreach (var length in new[] { 1, 5, 7, 16, 28, 33, 56, 100, 112, 129 })
        {
            for (var seed = 0; seed < 3; seed++)
            {
                checks.ConjugateGradientStep(length, seed, converged: false);
                checks.ConjugateGradientStep(length, seed, converged: true);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MultiplyBlock_CountsFactorsAndStrides_MatchReferenceAndEachVectorAlone(string width)
    {
        var checks = KernelChecks.For(width);
        foreach (var (factors, stride) in new[] { (1, 1), (3, 5), (8, 8), (13, 16), (16, 16), (20, 32), (33, 48), (100, 112), (50, 61) })
        {
            for (var count = 1; count <= DenseKernels.BlockVectors; count++)
            {
                checks.MultiplyBlock(count, factors, stride);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void GramRowTile_UpperTriangle_MatchesReference(string width)
    {
        var checks = KernelChecks.For(width);
        foreach (var (rows, factors) in new[] { (0, 3), (1, 1), (5, 8), (130, 13), (300, 20), (40, 33) })
        {
            checks.GramRowTile(rows, factors);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void RankUpdateRowTile_UpperTriangle_MatchesReference(string width)
    {
        var checks = KernelChecks.For(width);
        foreach (var (rows, factors) in new[] { (0, 4), (1, 1), (3, 8), (64, 13), (20, 33) })
        {
            checks.RankUpdate(rows, factors);
        }
    }
}
