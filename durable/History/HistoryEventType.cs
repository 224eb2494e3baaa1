namespace Orchestrator.Durable;

public enum HistoryEventType
{
    ExecutionStarted,
    OrchestratorStarted,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    TimerCreated,
    TimerFired,
    EventRaised,
    EventSent,
    SubOrchestrationInstanceCreated,
    SubOrchestrationInstanceCompleted,
    SubOrchestrationInstanceFailed,
    ExecutionSuspended,
    ExecutionResumed,
    ExecutionTerminated,
    ContinueAsNew,
    ExecutionCompleted,
    ExecutionFailed,
}
