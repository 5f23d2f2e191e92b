using System.Diagnostics.Tracing;

namespace MovieRecs.Tests.Reliability;

/// <summary>
/// Watches the tasks an operation starts, directly or through tasks it started (the replicas of
/// <c>Parallel.For</c> start one another), from the runtime's task events, so that a test can check that none of
/// them is still queued or running once the operation has returned.
/// </summary>
/// <remarks>
/// A task is counted as started when the runtime schedules it (<c>TaskScheduled</c>, raised on the scheduling
/// thread before the task is queued) and as finished when it raises <c>TraceOperationEnd</c>, which happens before
/// the task is marked complete, so before anyone waiting for it can go on: the count is exact at any moment, with
/// no grace period. Events are delivered on the thread that raises them; other tests' tasks are ignored because
/// they do not descend from the watched operation. The two events of one task are raised on different threads and
/// can reach the listener in either order (a worker may start, run and end a task before the scheduling thread's
/// <c>TaskScheduled</c> is handled; seen about once in a hundred cancelled evaluations), so an end that arrives
/// first is remembered and the task is then counted as started and finished.
/// <para>
/// A task that has finished its work may still be ending when the operation returns: <c>Parallel.For</c> waits for a
/// worker until the worker clears its pending-task field, which the worker does at the end of its own body, before
/// its task ends (seen about once in a dozen runs of the cancelled evaluations). So the count is taken after a short
/// wait (<see cref="EndGrace"/>) for such tasks to end; a worker still doing work, or blocked, is still counted.
/// </para>
/// </remarks>
internal sealed class TaskTreeMonitor : EventListener
{
    private const string TplEventSourceName = "System.Threading.Tasks.TplEventSource";

    /// <summary>TaskTransfer | Tasks (TaskScheduled) and AsyncCausalityOperation (TraceOperationEnd).</summary>
    private const EventKeywords TaskKeywords = (EventKeywords)(0x1 | 0x2 | 0x8);

    // Initializers run before the base constructor, which may already deliver events.
    private readonly Lock _gate = new();
    private HashSet<int>? _family;
    private HashSet<int>? _unfinished;
    private HashSet<int>? _endedBeforeScheduled;
    private int _started;

    /// <summary>How long, at most, tasks of the operation may take to end after it returned.</summary>
    public static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs <paramref name="operation"/> in a task of its own and waits for it. Returns its result or exception, the
    /// number of tasks it started (directly or not), and how many of those had not finished when it returned (give
    /// or take <see cref="EndGrace"/> for tasks that were ending).
    /// </summary>
    public (T? Result, Exception? Error, int TasksStarted, int UnfinishedAtReturn) Run<T>(Func<T> operation) =>
        Task.Factory.StartNew(
            () =>
            {
                lock (_gate)
                {
                    _family = [Task.CurrentId!.Value];
                    _unfinished = [];
                    _endedBeforeScheduled = [];
                    _started = 0;
                }

                T? result = default;
                Exception? error = null;
                try
                {
                    result = operation();
                }
                catch (Exception caught)
                {
                    error = caught;
                }

                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (true)
                {
                    lock (_gate)
                    {
                        if (_unfinished.Count == 0 || waited.Elapsed >= EndGrace)
                        {
                            var unfinished = _unfinished.Count;
                            _family = null;
                            return (result, error, _started, unfinished);
                        }
                    }

                    Thread.Sleep(1);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).GetAwaiter().GetResult();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == TplEventSourceName)
        {
            EnableEvents(eventSource, EventLevel.Informational, TaskKeywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not ("TaskScheduled" or "TraceOperationEnd") || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_family is null || _unfinished is null || _endedBeforeScheduled is null)
            {
                return;
            }

            var task = (int)eventData.Payload[eventData.PayloadNames.IndexOf("TaskID")]!;
            if (eventData.EventName == "TaskScheduled")
            {
                var origin = (int)eventData.Payload[eventData.PayloadNames.IndexOf("OriginatingTaskID")]!;
                if (_family.Contains(origin) && _family.Add(task))
                {
                    if (!_endedBeforeScheduled.Remove(task))
                    {
                        _unfinished.Add(task);
                    }

                    _started++;
                }
            }
            else if (!_unfinished.Remove(task) && !_family.Contains(task))
            {
                // Possibly a task of the family whose TaskScheduled has not been handled yet (or another test's).
                _endedBeforeScheduled.Add(task);
            }
        }
    }
}
