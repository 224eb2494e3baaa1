namespace Orchestrator.Durable.Execution;

internal enum ActionKind { Activity, Timer, SubOrchestration, SendEvent }

/// <summary>Something the orchestrator code asked for, identified by its sequence number (EventId).</summary>
internal sealed class PendingAction
{
    public required int Id { get; init; }
    public required ActionKind Kind { get; init; }
    /// <summary>Activity / sub-orchestrator / event name; null for timers.</summary>
    public string? Name { get; init; }
    public string? Input { get; init; }
    public DateTimeOffset? FireAt { get; init; }
    public string? InstanceId { get; init; }
    public string? Version { get; init; }
    public string? Purpose { get; init; }
    public TaskCompletionSource<string?>? Completion { get; init; }
    public bool Cancelled { get; set; }

    public HistoryEventType ScheduledEventType => Kind switch
    {
        ActionKind.Activity => HistoryEventType.TaskScheduled,
        ActionKind.Timer => HistoryEventType.TimerCreated,
        ActionKind.SubOrchestration => HistoryEventType.SubOrchestrationInstanceCreated,
        _ => HistoryEventType.EventSent,
    };

    public string Describe() => Kind == ActionKind.Timer
        ? $"TimerCreated #{Id} (fire at {FireAt:O})"
        : $"{ScheduledEventType} #{Id} '{Name}'";

    public static string Describe(HistoryEvent e) => e.EventType == HistoryEventType.TimerCreated
        ? $"TimerCreated #{e.EventId} (fire at {e.FireAt:O})"
        : $"{e.EventType} #{e.EventId} '{e.Name}'";
}
