using BenchmarkDotNet.Running;

namespace MovieRecs.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            return ScaleRun.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "soak")
        {
            return SoakRun.Run(args[1..]);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
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
