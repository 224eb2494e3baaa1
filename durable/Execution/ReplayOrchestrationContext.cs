using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orchestrator.Durable.Execution;

/// <summary>
/// The context handed to orchestrator code during one episode. Every call that touches the outside world
/// becomes a <see cref="PendingAction"/> with the next sequence number; the executor matches those against
/// the history (replay) or records them as new actions, and completes their tasks from history events.
/// Only ever used on the executor's pump thread.
/// </summary>
internal sealed class ReplayOrchestrationContext : TaskOrchestrationContext
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly long _maxPayloadBytes;
    private readonly SortedDictionary<int, PendingAction> _open = new();
    private readonly Dictionary<int, PendingAction> _inFlight = new();
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<string?>> _buffered = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Name, string? Payload)> _bufferedInOrder = [];
    private int _nextId;
    private int _guidCounter;

    public ReplayOrchestrationContext(HistoryEvent executionStarted, string instanceId, ILoggerFactory? loggerFactory, long maxPayloadBytes)
    {
        InstanceId = instanceId;
        Name = executionStarted.Name ?? "";
        Version = executionStarted.Version ?? "";
        ExecutionId = executionStarted.ExecutionId ?? "";
        ParentInstanceId = executionStarted.ParentInstanceId;
        SerializedInput = executionStarted.Input;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _maxPayloadBytes = maxPayloadBytes;
        CurrentTime = executionStarted.Timestamp;
    }

    public override string Name { get; }
    public override string InstanceId { get; }
    public override string? ParentInstanceId { get; }
    public override string Version { get; }
    public string ExecutionId { get; }
    public string? SerializedInput { get; }
    public override DateTime CurrentUtcDateTime => CurrentTime.UtcDateTime;
    internal DateTimeOffset CurrentTime { get; set; }
    public override bool IsReplaying => IsReplayingInternal;
    internal bool IsReplayingInternal { get; set; } = true;

    internal bool CustomStatusSet { get; private set; }
    internal string? CustomStatus { get; private set; }
    internal (string? Input, bool PreserveEvents)? ContinueAsNewRequest { get; private set; }

    public override T? GetInput<T>() where T : default => DurableJson.Deserialize<T>(SerializedInput);

    // ------------------------------------------------------------ actions

    public override Task<T> CallActivityAsync<T>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var serialized = SerializeChecked(input, $"input of activity '{name}'");
        return Convert<T>(WithRetry(options?.Retry, () => Schedule(new PendingAction
        {
            Id = _nextId++, Kind = ActionKind.Activity, Name = name, Input = serialized,
            Completion = new TaskCompletionSource<string?>(),
        })));
    }

    public override Task<T> CallSubOrchestratorAsync<T>(string name, object? input = null, SubOrchestrationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (options?.InstanceId is { } explicitId)
            InstanceIdValidator.Validate(explicitId);
        var serialized = SerializeChecked(input, $"input of sub-orchestration '{name}'");
        return Convert<T>(WithRetry(options?.Retry, () =>
        {
            var id = _nextId++;
            // Default child id: deterministic from the parent and the call's position (attempts get their own).
            var childId = options?.InstanceId ?? DefaultChildId(id);
            return Schedule(new PendingAction
            {
                Id = id, Kind = ActionKind.SubOrchestration, Name = name, Input = serialized, InstanceId = childId,
                Version = options?.Version, Completion = new TaskCompletionSource<string?>(),
            });
        }));
    }

    private string DefaultChildId(int id)
    {
        var candidate = $"{InstanceId}:{id}";
        return candidate.Length <= InvalidInstanceIdException.MaxLength ? candidate : NewGuid().ToString("N");
    }

    public override Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken)
        => CreateTimerCore(ToOffset(fireAtUtc), cancellationToken, purpose: null);

    public override Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken)
        => CreateTimerCore(CurrentTime + delay, cancellationToken, purpose: null);

    private Task CreateTimerCore(DateTimeOffset fireAt, CancellationToken cancellationToken, string? purpose)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        var action = new PendingAction
        {
            Id = _nextId++, Kind = ActionKind.Timer, FireAt = fireAt, Purpose = purpose,
            Completion = new TaskCompletionSource<string?>(),
        };
        Schedule(action);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                // A later TimerFired finds the timer gone from _inFlight and is ignored.
                action.Cancelled = true;
                _inFlight.Remove(action.Id);
                action.Completion!.TrySetCanceled(cancellationToken);
            });
        }
        return action.Completion!.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        if (_buffered.TryGetValue(eventName, out var queue) && queue.Count > 0)
        {
            var payload = queue.Dequeue();
            RemoveBufferedInOrder(eventName);
            return Task.FromResult(DurableJson.Deserialize<T>(payload)!);
        }
        var waiter = new TaskCompletionSource<string?>();
        if (!_waiters.TryGetValue(eventName, out var list))
            _waiters[eventName] = list = new LinkedList<TaskCompletionSource<string?>>();
        var node = list.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                    list.Remove(node);
                waiter.TrySetCanceled(cancellationToken);
            });
        }
        return Convert<T>(waiter.Task);
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var eventTask = WaitForExternalEvent<T>(eventName, cts.Token);
        if (eventTask.IsCompleted)
            return await eventTask;
        var timerTask = CreateTimerCore(CurrentTime + timeout, cts.Token, purpose: $"timeout of event '{eventName}'");
        var winner = await Task.WhenAny(eventTask, timerTask);
        cts.Cancel(); // stops the loser: the timer (its firing is then ignored) or the waiter (later events are buffered)
        if (winner == eventTask)
            return await eventTask;
        cancellationToken.ThrowIfCancellationRequested();
        throw new TaskCanceledException($"No '{eventName}' event arrived within {timeout}.");
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        InstanceIdValidator.Validate(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        Schedule(new PendingAction
        {
            Id = _nextId++, Kind = ActionKind.SendEvent, Name = eventName, InstanceId = instanceId,
            Input = SerializeChecked(payload, $"payload of event '{eventName}'"),
        });
    }

    public override void SetCustomStatus(object? status)
    {
        CustomStatus = SerializeChecked(status, "custom status");
        CustomStatusSet = true;
    }

    public override void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true)
        => ContinueAsNewRequest = (SerializeChecked(newInput, "input of ContinueAsNew"), preserveUnprocessedEvents);

    public override Guid NewGuid() => DeterministicGuid.Create($"{InstanceId}|{ExecutionId}|{_guidCounter++}");

    public override ILogger CreateReplaySafeLogger(string categoryName)
        => new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    // ------------------------------------------------------------ executor side

    private Task<string?> Schedule(PendingAction action)
    {
        _open.Add(action.Id, action);
        return action.Completion?.Task ?? Task.FromResult<string?>(null);
    }

    /// <summary>Actions created by the code and not yet matched with history, in creation order.</summary>
    internal IReadOnlyCollection<PendingAction> OpenActions => _open.Values;

    /// <summary>Matches a replayed scheduling event with the action the code created at that position.</summary>
    internal void MatchScheduled(HistoryEvent e)
    {
        if (!_open.TryGetValue(e.EventId, out var action))
        {
            var created = _open.Count == 0 ? "nothing" : string.Join(", ", _open.Values.Select(a => a.Describe()));
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{Name}': history has {PendingAction.Describe(e)} but on replay the code did not create it (it created {created}). " +
                "Orchestrator code changed while instances were running; keep old code paths or register the new code under a new version.");
        }
        if (action.ScheduledEventType != e.EventType
            || (action.Kind != ActionKind.Timer && !string.Equals(action.Name, e.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestrator '{Name}': history has {PendingAction.Describe(e)} but on replay the code created {action.Describe()} at that position. " +
                "Orchestrator code changed while instances were running; keep old code paths or register the new code under a new version.");
        }
        _open.Remove(e.EventId);
        Track(action);
    }

    /// <summary>Takes a new action out of the open set after it was recorded in new history.</summary>
    internal void MarkRecorded(PendingAction action)
    {
        _open.Remove(action.Id);
        Track(action);
    }

    private void Track(PendingAction action)
    {
        if (action.Completion is not null && !action.Cancelled && !action.Completion.Task.IsCompleted)
            _inFlight[action.Id] = action;
    }

    /// <summary>Completes the task of a scheduled action. False when nothing waits for it (duplicate, cancelled, stale).</summary>
    internal bool Complete(HistoryEvent e)
    {
        if (e.TaskScheduledId is not int id || !_inFlight.TryGetValue(id, out var action))
            return false;
        var expectedKind = e.EventType switch
        {
            HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed => ActionKind.Activity,
            HistoryEventType.TimerFired => ActionKind.Timer,
            _ => ActionKind.SubOrchestration,
        };
        if (action.Kind != expectedKind)
            return false;
        _inFlight.Remove(id);
        switch (e.EventType)
        {
            case HistoryEventType.TaskFailed:
            case HistoryEventType.SubOrchestrationInstanceFailed:
                action.Completion!.TrySetException(new TaskFailedException(action.Name ?? "", id,
                    e.FailureDetails ?? new TaskFailureDetails("Unknown", "The task failed without details.", null, null)));
                break;
            default:
                action.Completion!.TrySetResult(e.Result);
                break;
        }
        return true;
    }

    /// <summary>Hands an event to the oldest waiter of its name, or buffers it (FIFO per name).</summary>
    internal void RaiseEvent(HistoryEvent e)
    {
        var name = e.Name ?? "";
        if (_waiters.TryGetValue(name, out var list) && list.First is { } first)
        {
            list.RemoveFirst();
            first.Value.TrySetResult(e.Input);
            return;
        }
        if (!_buffered.TryGetValue(name, out var queue))
            _buffered[name] = queue = new Queue<string?>();
        queue.Enqueue(e.Input);
        _bufferedInOrder.Add((name, e.Input));
    }

    private void RemoveBufferedInOrder(string name)
    {
        var index = _bufferedInOrder.FindIndex(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
            _bufferedInOrder.RemoveAt(index);
    }

    /// <summary>Events that arrived and were never received by the code (carried over by ContinueAsNew).</summary>
    internal IReadOnlyList<(string Name, string? Payload)> UnprocessedEvents => _bufferedInOrder;

    /// <summary>True when some context task may still complete (so the code is legitimately waiting).</summary>
    internal bool HasOutstandingWork => _open.Values.Any(a => a.Completion is not null && !a.Cancelled)
        || _inFlight.Count > 0 || _waiters.Values.Any(l => l.Count > 0);

    /// <summary>Earliest fire time of a timer still awaited.</summary>
    internal DateTimeOffset? NextTimerFireAt => _inFlight.Values.Concat(_open.Values)
        .Where(a => a.Kind == ActionKind.Timer && !a.Cancelled).Select(a => a.FireAt).Min();

    // ------------------------------------------------------------ helpers

    private string? SerializeChecked(object? value, string what)
    {
        var json = DurableJson.Serialize(value);
        PayloadGuard.Check(json, what, _maxPayloadBytes);
        return json;
    }

    private static DateTimeOffset ToOffset(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };

    private static async Task<T> Convert<T>(Task<string?> raw) => DurableJson.Deserialize<T>(await raw)!;

    /// <summary>Runs attempts under the policy, waiting on durable timers in between (orchestrator-side, hence replayable).</summary>
    private async Task<string?> WithRetry(RetryPolicy? policy, Func<Task<string?>> attempt)
    {
        if (policy is null)
            return await attempt();
        var firstAttemptAt = CurrentTime;
        for (var n = 1; ; n++)
        {
            TaskFailedException failure;
            try
            {
                return await attempt();
            }
            catch (TaskFailedException ex)
            {
                failure = ex;
            }
            var delay = policy.DelayAfter(n);
            var timedOut = policy.RetryTimeout != Timeout.InfiniteTimeSpan && CurrentTime + delay > firstAttemptAt + policy.RetryTimeout;
            if (n >= policy.MaxNumberOfAttempts || timedOut)
                throw failure;
            await CreateTimerCore(CurrentTime + delay, CancellationToken.None, purpose: $"retry of task #{failure.TaskId}");
        }
    }

    private sealed class ReplaySafeLogger(ReplayOrchestrationContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
                inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
