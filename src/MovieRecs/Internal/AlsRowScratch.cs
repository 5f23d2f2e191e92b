namespace MovieRecs.Internal;

/// <summary>
/// Scratch memory of one worker for the per-row ALS kernels, allocated once per fit (page faults are paid once) and
/// reused for every row the worker solves.
/// </summary>
internal sealed class AlsRowScratch
{
    private readonly FloatBuffer _residual;
    private readonly FloatBuffer _direction;
    private readonly FloatBuffer _product;
    private readonly FloatBuffer _matrix;
    private readonly FloatBuffer _gathered;
    private readonly FloatBuffer _scaled;

    public AlsRowScratch(int stride, int maxRowNonZeros, bool cholesky, int blockRows = 1)
    {
        Stride = stride;
        var perBlock = Math.Max(1, maxRowNonZeros) * blockRows;
        Coefficients = new float[perBlock];
        Weights = new float[perBlock];
        _residual = FloatBuffer.AllocateAligned(stride * blockRows);
        _direction = FloatBuffer.AllocateAligned(stride * blockRows);
        _product = FloatBuffer.AllocateAligned(stride * blockRows);
        _matrix = FloatBuffer.AllocateAligned(cholesky ? stride * stride : 0);
        _gathered = FloatBuffer.AllocateAligned(cholesky ? AlsKernels.CholeskyGatherRows * stride : 0);
        _scaled = FloatBuffer.AllocateAligned(cholesky ? AlsKernels.CholeskyGatherRows * stride : 0);
    }

    /// <summary>The padded factor length the buffers are sized for.</summary>
    public int Stride { get; }

    /// <summary>One float per nonzero of the longest row (times the rows of a block): the dots and coefficients <c>t_i</c>.</summary>
    public float[] Coefficients { get; }

    /// <summary>One float per nonzero of the longest row (times the rows of a block): <c>|c_i| − 1</c>.</summary>
    public float[] Weights { get; }

    /// <summary>CG residual <c>r</c> (stride floats per row of a block); also the loss's <c>A0·x</c>.</summary>
    public Span<float> Residual => _residual.Span;

    /// <summary>CG direction <c>p</c> (stride floats per row of a block).</summary>
    public Span<float> Direction => _direction.Span;

    /// <summary>CG product <c>A·p</c> (stride floats per row of a block).</summary>
    public Span<float> Product => _product.Span;

    /// <summary>The Cholesky system matrix (stride × stride), empty for CG.</summary>
    public Span<float> Matrix => _matrix.Span;

    /// <summary>Gathered factor rows for the Cholesky rank update.</summary>
    public Span<float> Gathered => _gathered.Span;

    /// <summary>Gathered rows scaled by <c>|c_i| − 1</c>.</summary>
    public Span<float> Scaled => _scaled.Span;
}
