using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// A serving copy of factor rows laid out for <see cref="ScoringKernels.ScoreBlockPaired"/>: rows in groups of
/// <see cref="GroupRows"/>, and within a group, for each step of 8 factors, four 16-float pairs, pair <c>p</c> holding
/// the step's 8 factors of row <c>p</c> then those of row <c>p + 4</c>. One 512-bit load gives two rows' factors side
/// by side, so the 512-bit tile needs no insert or broadcast to fill a register. Only the first <see cref="Steps"/>
/// steps are kept (the floats past them are zero in every row); rows past the last are zero.
/// </summary>
internal sealed class PairedRows
{
    /// <summary>Rows per group: four 512-bit registers of two rows each.</summary>
    public const int GroupRows = 8;

    /// <summary>Floats of one group at one step: four pairs of 16.</summary>
    public const int GroupStepFloats = GroupRows * 8;

    private PairedRows(FloatBuffer buffer, int rows, int steps)
    {
        Buffer = buffer;
        Rows = rows;
        Steps = steps;
    }

    /// <summary>The paired floats, 64-byte aligned: <see cref="Groups"/> × <see cref="Steps"/> × <see cref="GroupStepFloats"/>.</summary>
    public FloatBuffer Buffer { get; }

    /// <summary>The number of real rows.</summary>
    public int Rows { get; }

    /// <summary>Steps of 8 factors kept per row.</summary>
    public int Steps { get; }

    /// <summary>Groups of <see cref="GroupRows"/> rows (the last one padded with zero rows).</summary>
    public int Groups => (Rows + GroupRows - 1) / GroupRows;

    /// <summary>
    /// The steps of 8 floats that hold factors when only the first <paramref name="nonZero"/> floats of a row may be
    /// non-zero (rounded up; at most <c>stride / 8</c>).
    /// </summary>
    public static int ActiveSteps(int nonZero, int stride) => (Math.Min(nonZero, stride) + Vector256<float>.Count - 1) / Vector256<float>.Count;

    /// <summary>Pairs the rows of <paramref name="matrix"/> (whose floats past <see cref="FactorMatrix.Factors"/> are zero).</summary>
    public static PairedRows Build(FactorMatrix matrix)
    {
        var stride = matrix.Stride;
        Debug.Assert(stride % Vector256<float>.Count == 0);
        var steps = ActiveSteps(matrix.Factors, stride);
        var rows = matrix.Rows;
        var groups = (rows + GroupRows - 1) / GroupRows;
        var buffer = FloatBuffer.AllocateAligned((long)groups * steps * GroupStepFloats);
        var paired = buffer.Span;
        var source = matrix.Storage;
        for (var r = 0; r < rows; r++)
        {
            var row = source.Slice(r * stride, stride);
            var group = r / GroupRows;
            var inGroup = r % GroupRows;
            var at = (inGroup % 4 * 16) + (inGroup / 4 * 8);
            for (var s = 0; s < steps; s++)
            {
                row.Slice(s * 8, 8).CopyTo(paired.Slice((((group * steps) + s) * GroupStepFloats) + at, 8));
            }
        }

        return new PairedRows(buffer, rows, steps);
    }
}
