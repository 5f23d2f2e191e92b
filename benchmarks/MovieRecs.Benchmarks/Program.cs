using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace MovieRecs.Benchmarks;

internal static class Program
{
    /// <summary>
    /// The default configuration plus the median and the minimum of each benchmark: on shared machines the mean of a
    /// few iterations is pulled up by the neighbours' bursts, and the figures in the docs are medians.
    /// </summary>
    private static readonly IConfig Config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min);

    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            return ScaleRun.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "gather")
        {
            return GatherRun.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "coldstart")
        {
            return ColdStart.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "single")
        {
            return SingleUserRun.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "spark")
        {
            return SparkScaleRun.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "soak")
        {
            return SoakRun.Run(args[1..]);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, Config);
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                return 1;
            }
        }

        return 0;
    }
}
