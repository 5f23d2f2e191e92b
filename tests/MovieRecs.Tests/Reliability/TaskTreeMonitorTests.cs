namespace MovieRecs.Tests.Reliability;

/// <summary>The monitor that the cancellation tests rely on sees a task left behind, and only that.</summary>
public sealed class TaskTreeMonitorTests
{
    [Fact]
    public async Task Run_TaskLeftRunning_IsCountedAsUnfinished()
    {
        using var release = new ManualResetEventSlim(false);
        using var running = new ManualResetEventSlim(false);
        using var monitor = new TaskTreeMonitor();
        Task? leftBehind = null;

        var (_, error, started, unfinished) = monitor.Run(() =>
        {
            // Started by a task the call started, as Parallel.For's workers start one another.
            Task.Run(() => Volatile.Write(ref leftBehind, Task.Factory.StartNew(
                () =>
                {
                    running.Set();
                    release.Wait();
                },
                TaskCreationOptions.LongRunning)));
            running.Wait();
            return 0;
        });
        release.Set();
        SpinWait.SpinUntil(() => Volatile.Read(ref leftBehind) is not null);
        await leftBehind!;

        Assert.Null(error);
        Assert.InRange(started, 2, int.MaxValue);
        Assert.InRange(unfinished, 1, 2);
    }

    [Fact]
    public void Run_ParallelForJoined_LeavesNothingUnfinished()
    {
        using var monitor = new TaskTreeMonitor();

        var (sum, error, started, unfinished) = monitor.Run(() =>
        {
            var total = 0L;
            Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                Thread.SpinWait(1000);
                Interlocked.Add(ref total, i);
            });
            return total;
        });

        Assert.Null(error);
        Assert.Equal(64 * 63 / 2, sum);
        Assert.InRange(started, 1, int.MaxValue);
        Assert.Equal(0, unfinished);
    }
}
