namespace Orchestrator.Durable;

/// <summary>What an activity knows about its call.</summary>
public abstract class TaskActivityContext
{
    public abstract string Name { get; }
    public abstract string InstanceId { get; }
    /// <summary>Cancelled when the worker shuts down; the activity will then run again elsewhere (at-least-once).</summary>
    public abstract CancellationToken CancellationToken { get; }
}
