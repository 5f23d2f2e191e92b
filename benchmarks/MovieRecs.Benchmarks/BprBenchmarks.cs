using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MovieRecs.Bpr;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// A full BPR fit on the synthetic ml-1m preset (ratings &gt;= 3; factors 100, learning rate 0.01, regularization
/// 0.01, 100 iterations, negatives checked): 2 threads with the widest step kernels against the same fit on the
/// scalar kernels (the baseline), and 1 thread with the widest kernels. <c>implicit</c> 0.7.3 takes 18.1 s for this
/// fit with 2 threads on this class of machine.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class BprBenchmarks
{
    private CsrMatrix _userItems = null!;

    [GlobalSetup]
    public void Setup() => _userItems = BenchmarkData.Ml1mUserItems;

    [Benchmark(Baseline = true, Description = "2 threads, scalar kernels")]
    public BprModel FitScalar() => BprTrainer.Fit(_userItems, Options(2), SimdWidth.Scalar, null, default);

    [Benchmark(Description = "2 threads, widest kernels")]
    public BprModel Fit() => BprModel.Fit(_userItems, Options(2));

    [Benchmark(Description = "1 thread, widest kernels")]
    public BprModel FitOneThread() => BprModel.Fit(_userItems, Options(1));

    private static BprOptions Options(int threads) => new()
    {
        Factors = 100,
        LearningRate = 0.01,
        Regularization = 0.01,
        Iterations = 100,
        Seed = 42,
        MaxDegreeOfParallelism = threads,
    };
}
