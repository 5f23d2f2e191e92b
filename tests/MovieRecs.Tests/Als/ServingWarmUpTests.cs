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

    /// <summary>The methods compiled ahead are found by name: a renamed or removed one would silently stay cold.</summary>
    [Fact]
    public void CompiledMethods_EachNameFindsOneMethodMarkedForFullOptimization()
    {
        var names = ServingWarmUp.SingleUserMethods.Concat(ServingWarmUp.ExplainMethods)
            .SelectMany(t => t.Names.Select(n => $"{t.Type.Name}.{n}")).ToArray();
        var methods = ServingWarmUp.FindCompiledMethods().ToArray();
        Assert.Equal(names.Length, methods.Length);
        for (var i = 0; i < methods.Length; i++)
        {
            Assert.True(methods[i] is not null, $"{names[i]} was not found");
            Assert.True(
                (methods[i]!.MethodImplementationFlags & System.Reflection.MethodImplAttributes.AggressiveOptimization) != 0,
                $"{names[i]} is not marked for full optimization, so compiling it ahead would compile its unoptimized form");
            Assert.Equal(names[i].EndsWith("`2", StringComparison.Ordinal), methods[i]!.IsGenericMethodDefinition);
        }
    }
}
