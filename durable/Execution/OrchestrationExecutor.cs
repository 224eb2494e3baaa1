using Microsoft.Extensions.Logging;

namespace Orchestrator.Durable.Execution;

/// <summary>
/// Runs orchestrator code against its history (replaying) and then against new events, on a single-threaded
/// synchronization context, and reports the new actions and the outcome. Never changes the history: a
/// mismatch becomes a Failed outcome.
/// </summary>
internal sealed class OrchestrationExecutor(IOrchestratorRunner runner, string instanceId, ILoggerFactory? loggerFactory, long maxPayloadBytes)
{
    private readonly OrchestrationSynchronizationContext sync = new();
    private ReplayOrchestrationContext? _context;
    private Task<object?>? _orchestration;
    private DateTimeOffset? _pendingTime; // OrchestratorStarted precedes ExecutionStarted in the first episode
    private bool _abandoned;

    /// <summary>
    /// True when this executor may continue with the next episode's events: the code is still waiting, nothing
    /// foreign touched it and it was not abandoned by a timeout.
    /// </summary>
    public bool IsReusable => !_abandoned && _orchestration is { IsCompleted: false } && !sync.ForeignContinuationDetected;

    /// <summary>After the episode's commit succeeded: its new actions are now part of the history.</summary>
    public void MarkCommitted(ExecutionResult result)
    {
        foreach (var action in result.NewActions)
            _context?.MarkRecorded(action);
    }

    /// <summary>Earliest awaited timer (for an episode without new events).</summary>
    public DateTimeOffset? NextTimerFireAt => _context?.NextTimerFireAt;

    /// <summary>
    /// <see cref="Run"/> on a dedicated thread with a deadline, so that code blocking its thread (Task.Wait,
    /// .Result, Thread.Sleep, an endless loop) fails the instance with an explanation instead of hanging a worker.
    /// </summary>
    public ExecutionResult RunGuarded(string name, IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents, TimeSpan timeout)
    {
        ExecutionResult? result = null;
        Exception? error = null;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try { result = Run(pastEvents, newEvents); }
            catch (Exception ex) { error = ex; }
            finally { done.Set(); }
        })
        { IsBackground = true, Name = $"orchestrator {instanceId}" };
        thread.Start();
        if (!done.Wait(timeout))
        {
            // The blocked thread is abandoned: nothing will ever complete what it waits for.
            _abandoned = true;
            return new ExecutionResult
            {
                Outcome = ExecutionOutcome.Failed, AcceptedNewEvents = newEvents.Where(e => e.EventType is HistoryEventType.OrchestratorStarted or HistoryEventType.ExecutionStarted).ToList(),
                NewActions = [],
                Failure = TaskFailureDetails.FromException(new IllegalAwaitException(
                    $"Orchestrator '{name}' did not yield within {timeout}: it blocks its thread (Task.Wait, .Result, Thread.Sleep, " +
                    "a lock or an endless loop). Orchestrator code must only await tasks from the orchestration context.")),
            };
        }
        if (error is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return result!;
    }

    public static ExecutionResult Execute(IOrchestratorRunner runner, string instanceId,
        IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents,
        ILoggerFactory? loggerFactory, long maxPayloadBytes)
        => new OrchestrationExecutor(runner, instanceId, loggerFactory, maxPayloadBytes).Run(pastEvents, newEvents);

    /// <summary>
    /// Feeds events to the code: <paramref name="pastEvents"/> as replay, then <paramref name="newEvents"/>. A live
    /// executor (kept in the instance cache) is called again with only the next episode's new events.
    /// </summary>
    public ExecutionResult Run(IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents)
    {
        var accepted = new List<HistoryEvent>();
        var context = _context;
        var orchestration = _orchestration;
        var pendingTime = _pendingTime;
        try
        {
            return RunCore();
        }
        finally
        {
            _context = context;
            _orchestration = orchestration;
            _pendingTime = pendingTime;
        }

        ExecutionResult RunCore()
        {

            ExecutionResult Fail(Exception ex, IReadOnlyList<PendingAction>? actions = null) => new()
            {
                Outcome = ExecutionOutcome.Failed,
                AcceptedNewEvents = accepted,
                NewActions = actions ?? [],
                Failure = TaskFailureDetails.FromException(ex),
                CustomStatusSet = context?.CustomStatusSet ?? false,
                CustomStatus = context?.CustomStatus,
            };

            var total = pastEvents.Count + newEvents.Count;
            for (var i = 0; i < total; i++)
            {
                var replaying = i < pastEvents.Count;
                var e = replaying ? pastEvents[i] : newEvents[i - pastEvents.Count];
                if (orchestration is { IsCompleted: true } && !replaying)
                    break; // the code finished: later messages of this batch have nobody to go to
                if (context is not null)
                    context.IsReplayingInternal = replaying;
                try
                {
                    switch (e.EventType)
                    {
                        case HistoryEventType.ExecutionStarted:
                            context = new ReplayOrchestrationContext(e, instanceId, loggerFactory, maxPayloadBytes) { IsReplayingInternal = replaying };
                            if (pendingTime is { } t)
                                context.CurrentTime = t;
                            object? input;
                            try
                            {
                                input = DurableJson.Deserialize(e.Input, runner.InputType);
                            }
                            catch (Exception ex)
                            {
                                throw new InvalidOperationException($"The input of orchestrator '{e.Name}' cannot be read as {runner.InputType.Name}: {ex.Message}", ex);
                            }
                            var ctx = context;
                            if (!replaying)
                                accepted.Add(e);
                            sync.Run(() => orchestration = StartSafely(runner, ctx, input));
                            break;
                        case HistoryEventType.OrchestratorStarted:
                            pendingTime = e.Timestamp;
                            if (context is not null)
                                context.CurrentTime = e.Timestamp;
                            if (!replaying)
                                accepted.Add(e);
                            break;
                        case HistoryEventType.TaskScheduled:
                        case HistoryEventType.TimerCreated:
                        case HistoryEventType.SubOrchestrationInstanceCreated:
                        case HistoryEventType.EventSent:
                            RequireContext(context, e).MatchScheduled(e);
                            break;
                        case HistoryEventType.TaskCompleted:
                        case HistoryEventType.TaskFailed:
                        case HistoryEventType.TimerFired:
                        case HistoryEventType.SubOrchestrationInstanceCompleted:
                        case HistoryEventType.SubOrchestrationInstanceFailed:
                            var ctx2 = RequireContext(context, e);
                            var ok = false;
                            sync.Run(() => ok = ctx2.Complete(e));
                            if (!replaying && ok)
                                accepted.Add(e);
                            break;
                        case HistoryEventType.EventRaised:
                            var ctx3 = RequireContext(context, e);
                            sync.Run(() => ctx3.RaiseEvent(e));
                            if (!replaying)
                                accepted.Add(e);
                            break;
                        default:
                            // Suspend/resume markers and terminal events do not concern the code.
                            if (!replaying)
                                accepted.Add(e);
                            break;
                    }
                }
                catch (NonDeterministicOrchestrationException ex)
                {
                    return Fail(ex);
                }
                catch (InvalidOperationException ex) when (e.EventType == HistoryEventType.ExecutionStarted)
                {
                    return Fail(ex);
                }
            }

            if (context is null || orchestration is null)
                return Fail(new InvalidOperationException($"History of '{instanceId}' has no ExecutionStarted event."));

            var newActions = context.OpenActions.ToList();
            if (sync.ForeignContinuationDetected)
                return Fail(IllegalAwait(context), newActions);

            if (orchestration.IsCompleted)
            {
                if (orchestration.IsFaulted || orchestration.IsCanceled)
                {
                    var ex = orchestration.Exception?.InnerExceptions is [var single] ? single
                        : (Exception?)orchestration.Exception ?? new TaskCanceledException("The orchestrator was cancelled.");
                    return Fail(ex, newActions);
                }
                if (context.ContinueAsNewRequest is { } can)
                {
                    return new ExecutionResult
                    {
                        Outcome = ExecutionOutcome.ContinuedAsNew,
                        AcceptedNewEvents = accepted,
                        NewActions = newActions,
                        ContinueAsNewInput = can.Input,
                        PreserveUnprocessedEvents = can.PreserveEvents,
                        CarriedEvents = can.PreserveEvents ? context.UnprocessedEvents.ToList() : [],
                        CustomStatusSet = context.CustomStatusSet,
                        CustomStatus = context.CustomStatus,
                    };
                }
                string? output;
                try
                {
                    output = DurableJson.Serialize(orchestration.Result);
                    PayloadGuard.Check(output, $"output of orchestrator '{context.Name}'", maxPayloadBytes);
                }
                catch (Exception ex)
                {
                    return Fail(ex, newActions);
                }
                return new ExecutionResult
                {
                    Outcome = ExecutionOutcome.Completed,
                    AcceptedNewEvents = accepted,
                    NewActions = newActions,
                    Output = output,
                    CustomStatusSet = context.CustomStatusSet,
                    CustomStatus = context.CustomStatus,
                };
            }

            if (!context.HasOutstandingWork)
                return Fail(IllegalAwait(context), newActions);

            return new ExecutionResult
            {
                Outcome = ExecutionOutcome.Running,
                AcceptedNewEvents = accepted,
                NewActions = newActions,
                CustomStatusSet = context.CustomStatusSet,
                CustomStatus = context.CustomStatus,
                NextTimerFireAt = context.NextTimerFireAt,
            };
        }
    }

    private static IllegalAwaitException IllegalAwait(ReplayOrchestrationContext context) => new(
        $"Orchestrator '{context.Name}' awaited a task that the orchestration context did not create (for example Task.Delay, Task.Run, " +
        "an HTTP or database call, or a ConfigureAwait(false) continuation); such a task never completes during replay. " +
        "Use context.CreateTimer for delays and activities (context.CallActivityAsync) for I/O and other work.");

    private static ReplayOrchestrationContext RequireContext(ReplayOrchestrationContext? context, HistoryEvent e)
        => context ?? throw new NonDeterministicOrchestrationException($"History event {e} precedes ExecutionStarted.");

    private static Task<object?> StartSafely(IOrchestratorRunner runner, ReplayOrchestrationContext context, object? input)
    {
        try
        {
            return runner.RunAsync(context, input);
        }
        catch (Exception ex)
        {
            return Task.FromException<object?>(ex);
        }
    }
}
