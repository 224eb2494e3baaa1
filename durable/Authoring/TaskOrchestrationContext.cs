using Microsoft.Extensions.Logging;

namespace Orchestrator.Durable;

/// <summary>
/// The orchestrator's only door to the world. Everything here is recorded in history and replayed, so the
/// orchestrator must be deterministic: no DateTime.UtcNow, Guid.NewGuid, Task.Delay, Task.Run or I/O.
/// </summary>
public abstract class TaskOrchestrationContext
{
    public abstract string Name { get; }
    public abstract string InstanceId { get; }
    public abstract string? ParentInstanceId { get; }
    public abstract string Version { get; }

    /// <summary>Time of the current episode (from the OrchestratorStarted event), identical on every replay.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-executes history; side effects such as logging should be skipped.</summary>
    public abstract bool IsReplaying { get; }

    public abstract T? GetInput<T>();

    public abstract Task<T> CallActivityAsync<T>(string name, object? input = null, TaskOptions? options = null);

    public virtual Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null)
        => CallActivityAsync<object?>(name, input, options);

    public abstract Task<T> CallSubOrchestratorAsync<T>(string name, object? input = null, SubOrchestrationOptions? options = null);

    public virtual Task CallSubOrchestratorAsync(string name, object? input = null, SubOrchestrationOptions? options = null)
        => CallSubOrchestratorAsync<object?>(name, input, options);

    /// <summary>A durable timer. Cancelling the token cancels the returned task; the timer's later firing is ignored.</summary>
    public abstract Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken);

    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken)
        => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>Waits for an event raised to this instance; events that arrived earlier are delivered FIFO per name.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>As above with a durable timeout timer; throws <see cref="TaskCanceledException"/> on timeout.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Raises an event on another instance (fire and forget, delivered once).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    public abstract void SetCustomStatus(object? status);

    /// <summary>Ends this execution and starts a new one with a fresh history and <paramref name="newInput"/>.</summary>
    public abstract void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true);

    /// <summary>A name-based (UUID v5) Guid from the instance id and a counter: the same on every replay.</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes only when not replaying.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    public virtual ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
