using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Execution;

/// <summary>
/// Turns (state, history, ready inbox) into the one commit of an episode: decides what the messages mean
/// (start, terminate, suspend/resume, results, events), runs the orchestrator code when needed, and maps its
/// new actions to history events, own timers and outbox rows. Pure apart from the code it runs.
/// </summary>
internal sealed class EpisodePlanner(OrchestrationCatalog catalog, ILoggerFactory loggerFactory, long maxPayloadBytes, TimeSpan codeTimeout)
{
    /// <summary>Undispatched outbox rows make the instance due again after this long, so the sweep re-sends them.</summary>
    public static readonly TimeSpan OutboxRecheckDelay = TimeSpan.FromMinutes(1);

    /// <param name="live">
    /// An executor that already ran exactly <paramref name="history"/> (from the instance cache); it then continues
    /// with the new events only, without replay. Null: a fresh executor replays the history.
    /// </param>
    public EpisodePlan Plan(InstanceState state, IReadOnlyList<HistoryEvent> history, IReadOnlyList<OrchestrationMessage> ready,
        DateTimeOffset now, OrchestrationExecutor? live = null)
    {
        if (state.IsTerminal)
            return EpisodePlan.Nothing;

        var seen = new HashSet<string>(history.Where(h => h.MessageId is not null).Select(h => h.MessageId!), StringComparer.Ordinal);
        var consumed = new List<string>();
        OrchestrationMessage? start = null, terminate = null;
        var control = new List<OrchestrationMessage>();
        var normal = new List<OrchestrationMessage>();
        foreach (var m in ready)
        {
            if (!seen.Add(m.Id))
            {
                consumed.Add(m.Id); // consumed before a crash, or redelivered: already in history
                continue;
            }
            switch (m.Event.EventType)
            {
                case HistoryEventType.ExecutionStarted:
                    if (state.HistoryLength == 0 && start is null && m.Event.ExecutionId == state.ExecutionId)
                        start = m;
                    else
                        consumed.Add(m.Id);
                    break;
                case HistoryEventType.ExecutionTerminated:
                    terminate ??= m;
                    break;
                case HistoryEventType.ExecutionSuspended:
                case HistoryEventType.ExecutionResumed:
                    control.Add(m);
                    break;
                default:
                    if (m.TargetExecutionId is not null && m.TargetExecutionId != state.ExecutionId)
                        consumed.Add(m.Id); // result or timer of an earlier execution
                    else
                        normal.Add(m);
                    break;
            }
        }

        if (terminate is not null)
            return Terminate(state, history, ready, terminate, now);

        var notStarted = state.HistoryLength == 0 && start is null;
        var suspended = state.Status == OrchestrationRuntimeStatus.Suspended;
        foreach (var c in control)
            suspended = c.Event.EventType == HistoryEventType.ExecutionSuspended;
        var controlEvents = control.Select(c => Stamp(c, now)).ToList();
        consumed.AddRange(control.Select(c => c.Id));

        if (notStarted || suspended)
        {
            // Nothing runs: events and results wait in the inbox until start / resume.
            var staleWake = suspended && state.NextWakeAt <= now;
            if (control.Count == 0 && consumed.Count == 0 && !staleWake)
                return EpisodePlan.Nothing;
            var newHistory = controlEvents.Count > 0 && !notStarted
                ? [Started(now), .. controlEvents]
                : new List<HistoryEvent>();
            var status = notStarted ? state.Status : suspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running;
            return new EpisodePlan(new EpisodeCommit
            {
                InstanceId = state.InstanceId,
                NewState = state with
                {
                    Status = status, LastUpdatedAt = now, HistoryLength = state.HistoryLength + newHistory.Count,
                    NextWakeAt = suspended ? null : state.NextWakeAt,
                },
                NewHistory = newHistory,
                ConsumedMessageIds = consumed,
            }, []);
        }

        var runner = catalog.CreateOrchestrator(state.Name, state.Version);
        if (runner is null)
        {
            var details = TaskFailureDetails.FromException(new UnknownOrchestratorException(state.Name, state.Version));
            return Finish(state, [Started(now)], consumed.Concat(ready.Select(r => r.Id)).Distinct().ToList(), now,
                OrchestrationRuntimeStatus.Failed, output: null, failure: details, customStatus: state.CustomStatus, outbox: []);
        }

        var newEvents = new List<HistoryEvent> { Started(now) };
        if (start is not null)
        {
            newEvents.Add(Stamp(start, start.Event.Timestamp == default ? now : start.Event.Timestamp));
            consumed.Add(start.Id);
        }
        newEvents.AddRange(controlEvents);
        newEvents.AddRange(normal.Select(m => Stamp(m, now)));

        if (start is null && normal.Count == 0 && control.Count == 0)
        {
            // Woken with nothing new (sweep, early wake-up): only refresh NextWakeAt and drop stale rows.
            if (consumed.Count == 0 && (state.NextWakeAt is null || state.NextWakeAt > now))
                return EpisodePlan.Nothing;
            DateTimeOffset? nextTimer;
            if (live is not null)
            {
                nextTimer = live.NextTimerFireAt;
            }
            else
            {
                var idle = new OrchestrationExecutor(runner, state.InstanceId, loggerFactory, maxPayloadBytes).RunGuarded(state.Name, history, [], codeTimeout);
                nextTimer = idle.Outcome == ExecutionOutcome.Running ? idle.NextTimerFireAt : null;
            }
            return new EpisodePlan(new EpisodeCommit
            {
                InstanceId = state.InstanceId,
                NewState = state with { NextWakeAt = nextTimer },
                ConsumedMessageIds = consumed,
            }, [], live);
        }

        var executor = live ?? new OrchestrationExecutor(runner, state.InstanceId, loggerFactory, maxPayloadBytes);
        var result = executor.RunGuarded(state.Name, live is null ? history : [], newEvents, codeTimeout);
        consumed.AddRange(normal.Select(m => m.Id));
        return Record(state, result, normal, consumed, now) with { Executor = executor, Result = result };
    }

    private EpisodePlan Record(InstanceState state, ExecutionResult result, List<OrchestrationMessage> normal, List<string> consumed, DateTimeOffset now)
    {
        var exec = state.ExecutionId;
        var newHistory = result.AcceptedNewEvents.ToList();
        var inbox = new List<OrchestrationMessage>();
        var outbox = new List<OutboxEntry>();
        var wakeUps = new List<DateTimeOffset?>();

        foreach (var a in result.NewActions)
        {
            switch (a.Kind)
            {
                case ActionKind.Activity:
                    newHistory.Add(new HistoryEvent { EventId = a.Id, EventType = HistoryEventType.TaskScheduled, Timestamp = now, Name = a.Name, Input = a.Input });
                    outbox.Add(new OutboxEntry
                    {
                        Id = MessageIds.OutboxActivity(exec, a.Id),
                        Activity = new ActivityWorkItem
                        {
                            Id = MessageIds.ActivityWorkItem(state.InstanceId, exec, a.Id), InstanceId = state.InstanceId,
                            ExecutionId = exec, TaskScheduledId = a.Id, Name = a.Name!, Input = a.Input, EnqueuedAt = now,
                        },
                    });
                    break;
                case ActionKind.Timer:
                    newHistory.Add(new HistoryEvent { EventId = a.Id, EventType = HistoryEventType.TimerCreated, Timestamp = now, FireAt = a.FireAt, Purpose = a.Purpose });
                    if (!a.Cancelled)
                    {
                        inbox.Add(new OrchestrationMessage
                        {
                            Id = MessageIds.TimerFired(exec, a.Id), TargetInstanceId = state.InstanceId, TargetExecutionId = exec,
                            Event = new HistoryEvent { EventType = HistoryEventType.TimerFired, TaskScheduledId = a.Id, FireAt = a.FireAt },
                            EnqueuedAt = a.FireAt!.Value, VisibleAt = a.FireAt,
                        });
                        wakeUps.Add(a.FireAt);
                    }
                    break;
                case ActionKind.SubOrchestration:
                    newHistory.Add(new HistoryEvent
                    {
                        EventId = a.Id, EventType = HistoryEventType.SubOrchestrationInstanceCreated, Timestamp = now,
                        Name = a.Name, Input = a.Input, InstanceId = a.InstanceId, Version = a.Version,
                    });
                    outbox.Add(new OutboxEntry
                    {
                        Id = MessageIds.OutboxMessage(exec, a.Id),
                        Message = new OrchestrationMessage
                        {
                            Id = MessageIds.SubOrchestrationStart(state.InstanceId, exec, a.Id), TargetInstanceId = a.InstanceId!,
                            EnqueuedAt = now,
                            Event = new HistoryEvent
                            {
                                EventType = HistoryEventType.ExecutionStarted, Timestamp = now, Name = a.Name, Input = a.Input,
                                Version = a.Version, ParentInstanceId = state.InstanceId, ParentExecutionId = exec, ParentTaskScheduledId = a.Id,
                            },
                        },
                    });
                    break;
                case ActionKind.SendEvent:
                    newHistory.Add(new HistoryEvent { EventId = a.Id, EventType = HistoryEventType.EventSent, Timestamp = now, Name = a.Name, Input = a.Input, InstanceId = a.InstanceId });
                    outbox.Add(new OutboxEntry
                    {
                        Id = MessageIds.OutboxMessage(exec, a.Id),
                        Message = new OrchestrationMessage
                        {
                            Id = MessageIds.SentEvent(state.InstanceId, exec, a.Id), TargetInstanceId = a.InstanceId!, EnqueuedAt = now,
                            Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Timestamp = now, Name = a.Name, Input = a.Input },
                        },
                    });
                    break;
            }
        }

        var customStatus = result.CustomStatusSet ? result.CustomStatus : state.CustomStatus;
        switch (result.Outcome)
        {
            case ExecutionOutcome.Completed:
                newHistory.Add(new HistoryEvent { EventType = HistoryEventType.ExecutionCompleted, Timestamp = now, Result = result.Output });
                return Finish(state, newHistory, consumed, now, OrchestrationRuntimeStatus.Completed, result.Output, null, customStatus, outbox);
            case ExecutionOutcome.Failed:
                newHistory.Add(new HistoryEvent { EventType = HistoryEventType.ExecutionFailed, Timestamp = now, FailureDetails = result.Failure });
                // A failed episode sends nothing it decided: only the failure itself goes out.
                return Finish(state, newHistory, consumed, now, OrchestrationRuntimeStatus.Failed, null, result.Failure, customStatus, []);
            case ExecutionOutcome.ContinuedAsNew:
                return ContinueAsNew(state, result, normal, consumed, outbox, customStatus, now);
        }

        var next = Min(result.NextTimerFireAt, outbox.Count > 0 ? now + OutboxRecheckDelay : null);
        return new EpisodePlan(new EpisodeCommit
        {
            InstanceId = state.InstanceId,
            NewState = state with
            {
                Status = OrchestrationRuntimeStatus.Running, LastUpdatedAt = now, CustomStatus = customStatus,
                NextWakeAt = next, HistoryLength = state.HistoryLength + newHistory.Count,
            },
            NewHistory = newHistory,
            ConsumedMessageIds = consumed,
            NewInboxMessages = inbox,
            NewOutbox = outbox,
        }, wakeUps);
    }

    private static EpisodePlan ContinueAsNew(InstanceState state, ExecutionResult result, List<OrchestrationMessage> normal,
        List<string> consumed, List<OutboxEntry> outbox, string? customStatus, DateTimeOffset now)
    {
        var newExec = Guid.NewGuid().ToString("N");
        var startId = MessageIds.ContinueAsNewStart(newExec);
        var inbox = new List<OrchestrationMessage>
        {
            new()
            {
                Id = startId, TargetInstanceId = state.InstanceId, TargetExecutionId = newExec, EnqueuedAt = now,
                Event = new HistoryEvent
                {
                    EventType = HistoryEventType.ExecutionStarted, Timestamp = now, Name = state.Name, Version = state.Version,
                    Input = result.ContinueAsNewInput, ExecutionId = newExec, Tags = state.Tags, ParentInstanceId = state.ParentInstanceId,
                    ParentExecutionId = state.ParentExecutionId, ParentTaskScheduledId = state.ParentTaskScheduledId,
                },
            },
        };
        // Unreceived events go to the new execution in arrival order: those buffered by the code first, then
        // those of this batch that arrived after the code decided to continue.
        var carried = new List<(string Name, string? Payload)>();
        if (result.PreserveUnprocessedEvents)
        {
            carried.AddRange(result.CarriedEvents);
            var processed = result.AcceptedNewEvents.Where(e => e.MessageId is not null).Select(e => e.MessageId!).ToHashSet(StringComparer.Ordinal);
            carried.AddRange(normal.Where(m => m.Event.EventType == HistoryEventType.EventRaised && !processed.Contains(m.Id))
                .Select(m => (m.Event.Name ?? "", m.Event.Input)));
        }
        for (var i = 0; i < carried.Count; i++)
        {
            inbox.Add(new OrchestrationMessage
            {
                Id = MessageIds.CarriedEvent(newExec, i), TargetInstanceId = state.InstanceId, EnqueuedAt = now.AddTicks(i + 1),
                Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Timestamp = now, Name = carried[i].Name, Input = carried[i].Payload },
            });
        }
        return new EpisodePlan(new EpisodeCommit
        {
            InstanceId = state.InstanceId,
            NewState = state with
            {
                ExecutionId = newExec, Status = OrchestrationRuntimeStatus.Running, Input = result.ContinueAsNewInput, Output = null,
                FailureDetails = null, CustomStatus = customStatus, LastUpdatedAt = now, HistoryLength = 0, StartMessageId = startId,
                NextWakeAt = outbox.Count > 0 ? now + OutboxRecheckDelay : null,
            },
            NewHistory = [],
            ConsumedMessageIds = consumed,
            NewInboxMessages = inbox,
            NewOutbox = outbox,
        }, [null]);
    }

    /// <summary>
    /// Ends the instance as Terminated, and terminates the sub-orchestrations it started that have not ended: nobody
    /// would be left to hear their results (a project terminated by ops must not leave its items escalating).
    /// </summary>
    private static EpisodePlan Terminate(InstanceState state, IReadOnlyList<HistoryEvent> history, IReadOnlyList<OrchestrationMessage> ready,
        OrchestrationMessage terminate, DateTimeOffset now)
    {
        var newHistory = new List<HistoryEvent> { Started(now), Stamp(terminate, now) };
        var failure = new TaskFailureDetails("Terminated", $"Orchestration '{state.InstanceId}' was terminated.", null, null);
        var reason = DurableJson.Serialize($"Parent orchestration '{state.InstanceId}' was terminated.");
        var ended = history.Where(h => h.EventType is HistoryEventType.SubOrchestrationInstanceCompleted or HistoryEventType.SubOrchestrationInstanceFailed)
            .Select(h => h.TaskScheduledId).ToHashSet();
        var outbox = history
            .Where(h => h.EventType == HistoryEventType.SubOrchestrationInstanceCreated && h.InstanceId is not null && !ended.Contains(h.EventId))
            .Select(h => new OutboxEntry
            {
                Id = MessageIds.OutboxChildTermination(state.ExecutionId, h.EventId),
                Message = new OrchestrationMessage
                {
                    Id = MessageIds.ChildTermination(state.InstanceId, state.ExecutionId, h.EventId), TargetInstanceId = h.InstanceId!,
                    EnqueuedAt = now,
                    Event = new HistoryEvent { EventType = HistoryEventType.ExecutionTerminated, Timestamp = now, Result = reason },
                },
            })
            .ToList();
        return Finish(state, newHistory, ready.Select(r => r.Id).ToList(), now, OrchestrationRuntimeStatus.Terminated,
            terminate.Event.Result, null, state.CustomStatus, outbox, parentFailure: failure);
    }

    private static EpisodePlan Finish(InstanceState state, List<HistoryEvent> newHistory, List<string> consumed, DateTimeOffset now,
        OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure, string? customStatus, List<OutboxEntry> outbox,
        TaskFailureDetails? parentFailure = null)
    {
        if (state.ParentInstanceId is { } parent && state.ParentExecutionId is { } parentExec && state.ParentTaskScheduledId is int taskId)
        {
            var toParentFailure = failure ?? parentFailure;
            outbox = [.. outbox, new OutboxEntry
            {
                Id = MessageIds.OutboxParent(state.ExecutionId),
                Message = new OrchestrationMessage
                {
                    Id = MessageIds.SubOrchestrationResult(parentExec, taskId), TargetInstanceId = parent, TargetExecutionId = parentExec,
                    EnqueuedAt = now,
                    Event = toParentFailure is null
                        ? new HistoryEvent { EventType = HistoryEventType.SubOrchestrationInstanceCompleted, Timestamp = now, TaskScheduledId = taskId, Result = output }
                        : new HistoryEvent { EventType = HistoryEventType.SubOrchestrationInstanceFailed, Timestamp = now, TaskScheduledId = taskId, FailureDetails = toParentFailure },
                },
            }];
        }
        return new EpisodePlan(new EpisodeCommit
        {
            InstanceId = state.InstanceId,
            NewState = state with
            {
                Status = status, Output = output, FailureDetails = failure, CustomStatus = customStatus, LastUpdatedAt = now,
                CompletedAt = now, NextWakeAt = outbox.Count > 0 ? now + OutboxRecheckDelay : null,
                HistoryLength = state.HistoryLength + newHistory.Count,
            },
            NewHistory = newHistory,
            ConsumedMessageIds = consumed.Distinct().ToList(),
            NewOutbox = outbox,
        }, []);
    }

    private static HistoryEvent Started(DateTimeOffset now) => new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = now };

    /// <summary>The message's event as it enters history: stamped with the episode time and its message id.</summary>
    private static HistoryEvent Stamp(OrchestrationMessage m, DateTimeOffset timestamp) => new()
    {
        EventId = m.Event.EventId, EventType = m.Event.EventType, Timestamp = timestamp, Name = m.Event.Name, Input = m.Event.Input,
        Result = m.Event.Result, FailureDetails = m.Event.FailureDetails, FireAt = m.Event.FireAt, TaskScheduledId = m.Event.TaskScheduledId,
        InstanceId = m.Event.InstanceId, MessageId = m.Id, Version = m.Event.Version, ExecutionId = m.Event.ExecutionId,
        ParentInstanceId = m.Event.ParentInstanceId, ParentExecutionId = m.Event.ParentExecutionId,
        ParentTaskScheduledId = m.Event.ParentTaskScheduledId, Tags = m.Event.Tags, ScheduledStartAt = m.Event.ScheduledStartAt,
    };

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
