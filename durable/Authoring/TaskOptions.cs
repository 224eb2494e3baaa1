namespace Orchestrator.Durable;

/// <summary>Options of an activity or sub-orchestration call.</summary>
public class TaskOptions
{
    public TaskOptions() { }
    public TaskOptions(RetryPolicy? retry) => Retry = retry;

    /// <summary>Retries on failure, waiting on durable timers between attempts.</summary>
    public RetryPolicy? Retry { get; init; }
}
