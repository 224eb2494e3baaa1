namespace Orchestrator.Durable.Execution;

/// <summary>
/// Runs orchestrator continuations one at a time on the thread that pumps, so replay is deterministic.
/// A continuation posted from any other thread means the orchestrator awaited something the context did
/// not create (Task.Delay, Task.Run, I/O); it is recorded, never run.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly object _lock = new();
    private int _pumpThreadId = -1;

    public bool ForeignContinuationDetected { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_lock)
        {
            if (Environment.CurrentManagedThreadId != _pumpThreadId)
            {
                ForeignContinuationDetected = true;
                return;
            }
            _queue.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("Orchestrator code must not block; await tasks from the orchestration context instead.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> and then every continuation it causes, on this thread, until quiet.</summary>
    public void Run(Action action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        _pumpThreadId = Environment.CurrentManagedThreadId;
        try
        {
            action();
            while (true)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (_lock)
                {
                    if (!_queue.TryDequeue(out next))
                        break;
                }
                next.Callback(next.State);
            }
        }
        finally
        {
            _pumpThreadId = -1;
            SetSynchronizationContext(previous);
        }
    }
}
