using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Benchmarks;

/// <summary>
/// The ALS kernels on the synthetic ml-1m preset (ratings &gt;= 3; factors 100): the Gram matrix <c>YᵀY</c> of the
/// item factors, the CG product <c>Σ (c − 1)(y·p) y</c> over every user's row (one pass), and one CG user half-step.
/// Each is measured on the scalar kernels (baseline), the 256-bit kernels, and, where it applies, the plain
/// <c>TensorPrimitives</c> composition (one <c>Dot</c> and one <c>MultiplyAdd</c> call per non-zero).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AlsKernelBenchmarks
{
    private const int Factors = 100;
    private ConfidenceMatrix _users = null!;
    private int[] _chunks = [];
    private FactorMatrix _itemFactors;
    private FactorMatrix _userFactors;
    private float[] _weights = [];
    private FloatBuffer _product;
    private FloatBuffer _direction;
    private int _stride;
    private AlsEngine _scalar = null!;
    private AlsEngine _vector = null!;
    private AlsEngine _widest = null!;
    private FactorMatrix _widestItemFactors;

    [GlobalSetup]
    public void Setup()
    {
        var userItems = BenchmarkData.Ml1mUserItems;
        _stride = KernelTable.StrideFor(Factors, SimdWidth.Vector256);
        _users = ConfidenceMatrix.FromCsr(userItems, 1f, "userItems");
        _chunks = _users.PartitionRows(Factors, AlsEngine.TargetChunks);
        _itemFactors = FactorMatrix.AllocateAligned(userItems.ColumnCount, Factors, _stride);
        _userFactors = FactorMatrix.AllocateAligned(userItems.RowCount, Factors, _stride);
        FactorInitializer.Fill(_userFactors.Storage, userItems.RowCount, _itemFactors.Storage, userItems.ColumnCount, Factors, _stride, 1);
        _weights = new float[_users.MaxRowNonZeros];
        _weights.AsSpan().Fill(2f);
        _product = FloatBuffer.AllocateAligned(_stride);
        _direction = FloatBuffer.AllocateAligned(_stride);
        _direction.Span[..Factors].Fill(0.01f);
        _scalar = AlsEngine.Create(SimdWidth.Scalar, Factors, _stride, 2, _users.MaxRowNonZeros, AlsSolver.ConjugateGradient);
        _vector = AlsEngine.Create(SimdWidth.Vector256, Factors, _stride, 2, _users.MaxRowNonZeros, AlsSolver.ConjugateGradient);
        _scalar.ComputeSystemMatrix(_itemFactors, 0.01f, default);
        _vector.ComputeSystemMatrix(_itemFactors, 0.01f, default);

        // The widest kernels of this machine need their own stride (512-bit rows pad to a multiple of 16 floats).
        var widestStride = KernelTable.StrideFor(Factors, KernelTable.Best);
        _widestItemFactors = FactorMatrix.AllocateAligned(userItems.ColumnCount, Factors, widestStride);
        FactorInitializer.Fill(default, 0, _widestItemFactors.Storage, userItems.ColumnCount, Factors, widestStride, 1);
        _widest = AlsEngine.Create(KernelTable.Best, Factors, widestStride, 2, _users.MaxRowNonZeros, AlsSolver.ConjugateGradient);
        _widest.ComputeSystemMatrix(_widestItemFactors, 0.01f, default);
    }

    [Benchmark(Baseline = true, Description = "Gram YᵀY, scalar kernels")]
    [BenchmarkCategory("Gram")]
    public void GramScalar() => _scalar.ComputeSystemMatrix(_itemFactors, 0.01f, default);

    [Benchmark(Description = "Gram YᵀY, 256-bit kernels")]
    [BenchmarkCategory("Gram")]
    public void GramVector() => _vector.ComputeSystemMatrix(_itemFactors, 0.01f, default);

    [Benchmark(Description = "Gram YᵀY, widest kernels")]
    [BenchmarkCategory("Gram")]
    public void GramWidest() => _widest.ComputeSystemMatrix(_widestItemFactors, 0.01f, default);

    [Benchmark(Description = "Gram YᵀY, TensorPrimitives.MultiplyAdd per row and factor")]
    [BenchmarkCategory("Gram")]
    public float GramTensorPrimitives()
    {
        var gram = new float[Factors * Factors];
        for (var i = 0; i < _users.ColumnCount; i++)
        {
            var y = _itemFactors.Row(i);
            for (var a = 0; a < Factors; a++)
            {
                var row = gram.AsSpan(a * Factors, Factors);
                TensorPrimitives.MultiplyAdd(y, y[a], row, row);
            }
        }

        return gram[0];
    }

    [Benchmark(Baseline = true, Description = "CG product over all users, scalar kernel")]
    [BenchmarkCategory("CgProduct")]
    public float CgProductScalar() => CgProduct<ScalarOps, float>();

    [Benchmark(Description = "CG product over all users, fused 256-bit kernel")]
    [BenchmarkCategory("CgProduct")]
    public float CgProductVector() => CgProduct<Vector256Ops, Vector256<float>>();

    [Benchmark(Description = "CG product over all users, TensorPrimitives Dot + MultiplyAdd per non-zero")]
    [BenchmarkCategory("CgProduct")]
    public float CgProductTensorPrimitives()
    {
        var sum = 0f;
        for (var u = 0; u < _users.RowCount; u++)
        {
            var product = _product.Span[..Factors];
            product.Clear();
            var p = _direction.Span[..Factors];
            foreach (var column in _users.RowColumns(u))
            {
                var y = _itemFactors.Row(column);
                TensorPrimitives.MultiplyAdd(y, 2f * TensorPrimitives.Dot(y, p), product, product);
            }

            sum += product[0];
        }

        return sum;
    }

    [Benchmark(Baseline = true, Description = "CG user half-step (3 steps), scalar kernels")]
    [BenchmarkCategory("HalfStep")]
    public int HalfStepScalar() => _scalar.SolveRows(_users, _chunks, _userFactors, _itemFactors, AlsSolver.ConjugateGradient, 3, default);

    [Benchmark(Description = "CG user half-step (3 steps), 256-bit kernels")]
    [BenchmarkCategory("HalfStep")]
    public int HalfStepVector() => _vector.SolveRows(_users, _chunks, _userFactors, _itemFactors, AlsSolver.ConjugateGradient, 3, default);

    private float CgProduct<TOps, TVec>()
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var sum = 0f;
        ref var items = ref _itemFactors.First;
        ref var p = ref _direction.First;
        for (var u = 0; u < _users.RowCount; u++)
        {
            _product.Span.Clear();
            var columns = _users.RowColumns(u);
            DenseKernels.GatherDotsAccumulate<TOps, TVec>(ref items, _stride, columns, _weights.AsSpan(0, columns.Length), default, 1f, ref p, _product.Span);
            sum += _product.Span[0];
        }

        return sum;
    }
}
