namespace MovieRecs.Tests;

/// <summary>An <see cref="IProgress{T}"/> that reports on the reporting thread (<see cref="Progress{T}"/> posts to the
/// thread pool, so a test could not see every report before the call returns, nor throw from one).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
