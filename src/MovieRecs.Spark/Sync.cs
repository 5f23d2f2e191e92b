namespace MovieRecs.Spark;

/// <summary>
/// Waits for the Parquet reader's tasks. Its API is asynchronous only; here it reads files held in memory or opened
/// for synchronous access, so its tasks complete synchronously or on the thread pool, never needing the caller's
/// synchronization context: blocking on them cannot deadlock.
/// </summary>
internal static class Sync
{
    public static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    public static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }
}
