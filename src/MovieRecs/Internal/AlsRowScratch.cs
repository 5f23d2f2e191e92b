namespace MovieRecs.Internal;

/// <summary>
/// Scratch memory of one worker for the per-row ALS kernels, allocated once per fit (page faults are paid once) and
/// reused for every row the worker solves.
/// </summary>
internal sealed class AlsRowScratch
{
    public AlsRowScratch(int stride, int maxRowNonZeros, bool cholesky)
    {
        var perRow = Math.Max(1, maxRowNonZeros);
        Coefficients = new float[perRow];
        Weights = new float[perRow];
        Residual = new float[stride];
        Direction = new float[stride];
        Product = new float[stride];
        Matrix = cholesky ? new float[stride * stride] : [];
        Gathered = cholesky ? new float[AlsKernels.CholeskyGatherRows * stride] : [];
        Scaled = cholesky ? new float[AlsKernels.CholeskyGatherRows * stride] : [];
    }

    /// <summary>One float per nonzero of the longest row: the dots and coefficients <c>t_i</c>.</summary>
    public float[] Coefficients { get; }

    /// <summary>One float per nonzero of the longest row: <c>|c_i| − 1</c>.</summary>
    public float[] Weights { get; }

    /// <summary>CG residual <c>r</c> (stride floats); also the loss's <c>A0·x</c>.</summary>
    public float[] Residual { get; }

    /// <summary>CG direction <c>p</c> (stride floats).</summary>
    public float[] Direction { get; }

    /// <summary>CG product <c>A·p</c> (stride floats).</summary>
    public float[] Product { get; }

    /// <summary>The Cholesky system matrix (stride × stride), empty for CG.</summary>
    public float[] Matrix { get; }

    /// <summary>Gathered factor rows for the Cholesky rank update.</summary>
    public float[] Gathered { get; }

    /// <summary>Gathered rows scaled by <c>|c_i| − 1</c>.</summary>
    public float[] Scaled { get; }
}
