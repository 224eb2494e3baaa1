namespace Orchestrator.Durable;

/// <summary>Thrown into the orchestrator when an activity or sub-orchestration it awaited failed (after retries).</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with {failureDetails.ErrorType}: {failureDetails.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    public string TaskName { get; }
    /// <summary>Event id of the TaskScheduled / SubOrchestrationInstanceCreated event of the failed call.</summary>
    public int TaskId { get; }
    public TaskFailureDetails FailureDetails { get; }
}
