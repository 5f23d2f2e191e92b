using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// A full ALS fit on the synthetic ml-1m preset (ratings &gt;= 3, value = rating; 15 iterations, 2 threads):
/// the conjugate-gradient solver (3 steps) with the widest vector kernels against the same code on the scalar
/// kernels (the baseline), and the Cholesky solver. <c>implicit</c> 0.7.3 takes 2.03 s (CG) and 19.6 s (Cholesky)
/// for this shape at 100 factors on this class of machine.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class AlsFitBenchmarks
{
    private CsrMatrix _userItems = null!;

    [Params(32, 64, 100, 128)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup() => _userItems = BenchmarkData.Ml1mUserItems;

    [Benchmark(Baseline = true, Description = "CG, scalar kernels")]
    public AlsModel FitCgScalar() => Trainer(Factors, AlsSolver.ConjugateGradient).Fit(_userItems, null, SimdWidth.Scalar, null, default);

    [Benchmark(Description = "CG, widest kernels")]
    public AlsModel FitCg() => Trainer(Factors, AlsSolver.ConjugateGradient).Fit(_userItems);

    [Benchmark(Description = "Cholesky, widest kernels")]
    public AlsModel FitCholesky() => Trainer(Factors, AlsSolver.Cholesky).Fit(_userItems);

    /// <summary>The trainer of these fits (also <see cref="AlsFitMemoryBenchmarks"/>'): 15 iterations, 2 threads.</summary>
    internal static AlsTrainer Trainer(int factors, AlsSolver solver) => new(new AlsOptions
    {
        Factors = factors,
        Regularization = 0.01,
        Alpha = 1.0,
        Iterations = 15,
        Solver = solver,
        CgSteps = 3,
        Seed = 1,
        MaxDegreeOfParallelism = 2,
    });
}
