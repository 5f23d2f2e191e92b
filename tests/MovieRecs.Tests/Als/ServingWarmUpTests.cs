using System.Diagnostics;
using MovieRecs.Als;

namespace MovieRecs.Tests.Als;

/// <summary>The once-per-process compilation of the batch path on a pool thread.</summary>
public class ServingWarmUpTests
{
    /// <summary>The warm-up swallows its own failures (it may only make the first call slower), so this is where a
    /// failure shows: it must run the batch path to the end.</summary>
    [Fact]
    public void Start_RunsTheBatchPathToTheEnd()
    {
        ServingWarmUp.Start();
        ServingWarmUp.Start();
        var watch = Stopwatch.StartNew();
        while (!ServingWarmUp.Done && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(10);
        }

        Assert.True(ServingWarmUp.Done, "the warm-up did not finish within a minute: it threw or hung");
    }
}
