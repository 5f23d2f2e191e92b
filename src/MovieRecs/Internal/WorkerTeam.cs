using System.Runtime.ExceptionServices;

namespace MovieRecs.Internal;

/// <summary>
/// A fixed team of helper threads for one long computation (a fit): <see cref="Run"/> runs a body on the calling thread
/// and on helpers at once, each call with its own index, and returns when all have returned.
/// </summary>
/// <remarks>
/// <para>A fit runs a parallel job about sixty times (two Gram matrices and two half-steps per iteration). Through
/// <c>Parallel.For</c> each job also runs the task library's own methods, which move up the JIT's tiers during a
/// process's first fit: about a hundred background compilations that share the fit's cores. The team's loop is a
/// semaphore and a counter. Measured in alternating launches on two cores (docs/benchmarks.md, "The CG fit, round 4"):
/// a process's first fit about 20 ms faster, warm fits about 2% faster.</para>
/// <para>A helper that finishes early may take a second index of the same call; the indexes of one call are distinct and
/// run one at a time each, so per-index scratch is never shared. The first exception of a call is rethrown on the
/// calling thread after every index has returned. <see cref="Dispose"/> ends the helpers and waits for them, so that
/// nothing of the computation outlives it.</para>
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    private readonly Thread[] _helpers;
#pragma warning disable CA2213 // Neither is disposed: a helper may still be between waits when Dispose returns, and neither holds a kernel handle unless one is asked for.
    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false);
#pragma warning restore CA2213
    private Action<int>? _body;
    private int _nextIndex;
    private int _pending;
    private Exception? _error;
    private volatile bool _disposed;
    private int _running;

    /// <summary>Starts <paramref name="helpers"/> helper threads (at least one).</summary>
    public WorkerTeam(int helpers)
    {
        Observed.Value?.Add(this);
        _helpers = new Thread[Math.Max(1, helpers)];
        _running = _helpers.Length;
        for (var t = 0; t < _helpers.Length; t++)
        {
            _helpers[t] = new Thread(Loop) { IsBackground = true, Name = "MovieRecs worker" };
            _helpers[t].UnsafeStart();
        }
    }

    /// <summary>The number of helper threads.</summary>
    public int Helpers => _helpers.Length;

    /// <summary>The helper threads that have not ended yet (0 once <see cref="Dispose"/> has returned).</summary>
    internal int RunningHelpers => Volatile.Read(ref _running);

    /// <summary>
    /// For tests: a list that receives every team created in the current flow of execution (the calling thread and what
    /// it awaits), so that a test can check the teams its call created, beside other tests' calls.
    /// </summary>
    internal static AsyncLocal<List<WorkerTeam>?> Observed { get; } = new();

    /// <summary>
    /// Runs <paramref name="body"/> for the indexes 0 to <paramref name="count"/> − 1 (at most <see cref="Helpers"/> + 1):
    /// index 0 on the calling thread, the others on helpers, all at once.
    /// </summary>
    public void Run(int count, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var helpers = Math.Min(count - 1, _helpers.Length);
        _body = body;
        _error = null;
        _nextIndex = 0;
        if (helpers > 0)
        {
            _done.Reset();
            Volatile.Write(ref _pending, helpers);
            _start.Release(helpers);
        }

        try
        {
            body(0);
        }
#pragma warning disable CA1031 // Rethrown below, once every index has returned.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _error, error, null);
        }

        if (helpers > 0)
        {
            _done.Wait();
        }

        _body = null;
        if (_error is { } first)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>Ends the helpers and waits until they have ended (call it when no <see cref="Run"/> is in progress).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _start.Release(_helpers.Length);
        foreach (var helper in _helpers)
        {
            helper.Join();
        }
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_disposed)
            {
                Interlocked.Decrement(ref _running);
                return;
            }

            var index = Interlocked.Increment(ref _nextIndex);
            try
            {
                _body!(index);
            }
#pragma warning disable CA1031 // Rethrown on the calling thread by Run; nothing may escape a helper thread.
            catch (Exception error)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _error, error, null);
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }
}
