using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using MovieRecs.Als;
using MovieRecs.Internal;
using MovieRecs.Sparse;

namespace MovieRecs.Benchmarks;

/// <summary>
/// The CG fit of <see cref="AlsFitBenchmarks"/> at 100 factors, in two jobs run one after the other: as BenchmarkDotNet
/// measures by default, with a full garbage collection before each iteration, which hands the previous fits' memory
/// back to the system so that every measured fit pages its memory in again (1,650 to 2,690 pages a fit; on the
/// measured VMs 1.3 to 1.8 us a page the process had used before, 13 to 20 us a page touched for the first time); and
/// as an application that fits again and again sees it, without that collection,
/// its fits reusing memory the process already holds. Same runtime settings (the defaults), same baseline in each job.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Jobs))]
public class AlsFitMemoryBenchmarks
{
    private CsrMatrix _userItems = null!;

    [GlobalSetup]
    public void Setup() => _userItems = BenchmarkData.Ml1mUserItems;

    [Benchmark(Baseline = true, Description = "CG, scalar kernels")]
    public AlsModel FitCgScalar() => AlsFitBenchmarks.Trainer(100, AlsSolver.ConjugateGradient).Fit(_userItems, null, SimdWidth.Scalar, null, default);

    [Benchmark(Description = "CG, widest kernels")]
    public AlsModel FitCg() => AlsFitBenchmarks.Trainer(100, AlsSolver.ConjugateGradient).Fit(_userItems);

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            var job = Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(7);
            AddJob(job.WithGcForce(true).WithId("collected"));
            AddJob(job.WithGcForce(false).WithId("in a loop"));
        }
    }
}
