using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

/// <summary>The fit's own threads: every index once per call, index 0 on the caller, failures rethrown after all returned.</summary>
public sealed class WorkerTeamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_ManyCalls_RunsEveryIndexOnceAndReturnsAfterAll(int helpers)
    {
        using var team = new WorkerTeam(helpers);
        var caller = Environment.CurrentManagedThreadId;
        for (var call = 0; call < 2_000; call++)
        {
            var count = 1 + (call % (helpers + 1));
            var runs = new int[helpers + 1];
            var callerRanZero = false;
            team.Run(count, index =>
            {
                if (index == 0)
                {
                    callerRanZero = Environment.CurrentManagedThreadId == caller;
                }

                // A little work, so that calls overlap and a helper that finishes early could take a second index.
                Thread.SpinWait(index * 50);
                Interlocked.Increment(ref runs[index]);
            });

            // Read right after Run returns: every index of this call has finished, and none of another.
            for (var index = 0; index < runs.Length; index++)
            {
                Assert.True(runs[index] == (index < count ? 1 : 0), $"call {call} (count {count}): index {index} ran {runs[index]} times");
            }

            Assert.True(callerRanZero, $"call {call}: index 0 did not run on the calling thread");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Run_AnIndexThrows_RethrowsItAfterEveryIndexReturned(int failing)
    {
        using var team = new WorkerTeam(2);
        var finished = 0;
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(3, index =>
        {
            if (index == failing)
            {
                throw new InvalidOperationException($"index {index} failed");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
        }));

        Assert.Equal($"index {failing} failed", error.Message);
        Assert.Equal(2, Volatile.Read(ref finished));

        // The team still serves the next call.
        var ran = 0;
        team.Run(3, _ => Interlocked.Increment(ref ran));
        Assert.Equal(3, ran);
    }

    [Fact]
    public void Dispose_EndsEveryHelperBeforeReturning_ThenRunThrowsObjectDisposed()
    {
        var team = new WorkerTeam(3);
        team.Run(4, _ => Thread.Sleep(5));
        Assert.Equal(3, team.RunningHelpers);
        team.Dispose();
        Assert.Equal(0, team.RunningHelpers);
        team.Dispose();
        Assert.Throws<ObjectDisposedException>(() => team.Run(2, _ => { }));
    }
}
