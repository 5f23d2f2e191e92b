using System.Diagnostics;
using System.Runtime.Intrinsics;
using MovieRecs.Als;
using MovieRecs.Internal;

namespace MovieRecs.Benchmarks;

/// <summary>
/// <c>gather [--passes N]</c>: where the CG product's time goes. One thread runs the fused product
/// <c>Σ (c − 1)(y·p) y</c> once over every user's row of the synthetic ml-1m preset (factors 100, 836k gathered item
/// rows, the widest kernels) three ways, alternating, and reports the median pass of each: the users' own item rows
/// (what a fit does), the same row counts over 64 rows that stay in L1, and the same counts over consecutive rows (which
/// the hardware prefetcher follows). The gap between the first and the second is what fetching the rows costs; the
/// second is the kernel's own instruction stream. Two more passes over the L1 rows split the product into its halves:
/// the dots alone (<c>GatherDots</c>) and the weighted sum alone (<c>AccumulateRows</c>, 512-bit kernels). The last
/// runs the product in a fit's order, blocks of four users with four products over each (the residual and three CG
/// steps), so the rows come from L2 after the first, and reports the time of one pass's worth of rows.
/// </summary>
internal static class GatherRun
{
    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--passes");
        var passes = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 9;
        var userItems = BenchmarkData.Ml1mUserItems;
        const int factors = 100;
        var width = KernelTable.Best;
        var stride = KernelTable.StrideFor(factors, width);
        var users = ConfidenceMatrix.FromCsr(userItems, 1f, "userItems");
        var items = FactorMatrix.AllocateAligned(userItems.ColumnCount, factors, stride);
        FactorInitializer.Fill(default, 0, items.Storage, userItems.ColumnCount, factors, stride, 1);
        var weights = new float[users.MaxRowNonZeros];
        weights.AsSpan().Fill(2f);
        var product = FloatBuffer.AllocateAligned(stride);
        var direction = FloatBuffer.AllocateAligned(stride);
        direction.Span[..factors].Fill(0.01f);
        var resident = new int[users.MaxRowNonZeros];
        var consecutive = new int[users.MaxRowNonZeros];
        for (var i = 0; i < resident.Length; i++)
        {
            resident[i] = i % 64;
            consecutive[i] = i % userItems.ColumnCount;
        }

        string[] names = ["the users' item rows (a fit's gathers)", "64 rows resident in L1", "consecutive rows", "L1: dots only", "L1: sums only (AccumulateRows)", "the fit's order: 4 users x 4 passes"];
        var dotsBuffer = new float[users.MaxRowNonZeros];
        var times = names.Select(_ => new List<double>()).ToArray();
        Console.WriteLine($"data: {userItems}; kernels {width}; load {LoadAverage()}");
        for (var pass = 0; pass <= passes; pass++)
        {
            for (var mode = 0; mode < names.Length; mode++)
            {
                var clock = Stopwatch.StartNew();
                if (mode == 5)
                {
                    // As a CG half-step visits them: a block of four rows, the residual and three steps over each.
                    for (var first = 0; first < users.RowCount; first += 4)
                    {
                        var last = Math.Min(first + 4, users.RowCount);
                        for (var step = 0; step < 4; step++)
                        {
                            for (var u = first; u < last; u++)
                            {
                                Product(width, ref items.First, stride, users.RowColumns(u), weights, ref direction.Span[0], product.Span[..stride]);
                            }
                        }
                    }

                    if (pass > 0)
                    {
                        times[mode].Add(clock.Elapsed.TotalMilliseconds / 4);
                    }

                    continue;
                }

                for (var u = 0; u < users.RowCount; u++)
                {
                    var columns = users.RowColumns(u);
                    ReadOnlySpan<int> rows = mode switch
                    {
                        0 => columns,
                        2 => consecutive.AsSpan(0, columns.Length),
                        _ => resident.AsSpan(0, columns.Length),
                    };
                    if (mode == 3)
                    {
                        DenseKernels.GatherDots<Vector512Ops, Vector512<float>>(ref items.First, stride, rows, ref direction.Span[0], stride, dotsBuffer);
                    }
                    else if (mode == 4)
                    {
                        DenseKernels.AccumulateRows<Vector512Ops, Vector512<float>>(ref items.First, stride, rows, weights, product.Span[..stride], true);
                    }
                    else
                    {
                        Product(width, ref items.First, stride, rows, weights, ref direction.Span[0], product.Span[..stride]);
                    }
                }

                if (pass > 0)
                {
                    times[mode].Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        for (var mode = 0; mode < names.Length; mode++)
        {
            var sorted = times[mode].Order().ToArray();
            var median = sorted[sorted.Length / 2];
            Console.WriteLine($"{names[mode],-40} median {median,6:F2} ms (min {sorted[0]:F2}), {userItems.NonZeroCount / median / 1e3:F0} M rows/s");
        }

        Console.WriteLine($"load at the end {LoadAverage()}");
        return 0;
    }

    private static void Product(SimdWidth width, ref float rows, int stride, ReadOnlySpan<int> indexes, ReadOnlySpan<float> weights, ref float vector, Span<float> destination)
    {
        switch (width)
        {
            case SimdWidth.Vector512:
                DenseKernels.GatherDotsAccumulate<Vector512Ops, Vector512<float>>(ref rows, stride, indexes, weights, default, 1f, ref vector, destination);
                break;
            case SimdWidth.Vector256:
                DenseKernels.GatherDotsAccumulate<Vector256Ops, Vector256<float>>(ref rows, stride, indexes, weights, default, 1f, ref vector, destination);
                break;
            case SimdWidth.Vector128:
                DenseKernels.GatherDotsAccumulate<Vector128Ops, Vector128<float>>(ref rows, stride, indexes, weights, default, 1f, ref vector, destination);
                break;
            default:
                DenseKernels.GatherDotsAccumulate<ScalarOps, float>(ref rows, stride, indexes, weights, default, 1f, ref vector, destination);
                break;
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
