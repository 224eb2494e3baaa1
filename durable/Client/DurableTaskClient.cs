namespace Orchestrator.Durable;

/// <summary>Starts and manages orchestration instances. A singleton in DI; abstract so that it can be mocked.</summary>
public abstract class DurableTaskClient
{
    /// <returns>The instance id.</returns>
    /// <exception cref="OrchestrationAlreadyExistsException">The id exists and is not terminal.</exception>
    /// <exception cref="UnknownOrchestratorException">No orchestrator of that name (and version) is registered.</exception>
    /// <exception cref="InvalidInstanceIdException"/>
    /// <exception cref="PayloadTooLargeException"/>
    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(string name, object? input = null,
        StartOrchestrationOptions? options = null, CancellationToken ct = default);

    /// <exception cref="OrchestrationNotFoundException"/>
    /// <exception cref="OrchestrationNotRunningException">The instance has ended.</exception>
    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null,
        RaiseEventOptions? options = null, CancellationToken ct = default);

    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken ct = default);

    /// <summary>History of the current execution, oldest first; empty when the instance does not exist.</summary>
    public abstract Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct = default);

    public abstract Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken ct = default);

    /// <exception cref="OrchestrationNotFoundException"/>
    /// <exception cref="OrchestrationNotRunningException"/>
    public abstract Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken ct = default);

    /// <exception cref="OrchestrationNotFoundException"/>
    /// <exception cref="OrchestrationNotRunningException"/>
    public abstract Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default);

    /// <exception cref="OrchestrationNotFoundException"/>
    /// <exception cref="OrchestrationNotRunningException"/>
    public abstract Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default);

    /// <summary>Starts the instance again from its original input (same orchestrator and version).</summary>
    /// <returns>The id of the new instance (the same id unless <paramref name="restartWithNewInstanceId"/>).</returns>
    /// <exception cref="OrchestrationNotFoundException"/>
    /// <exception cref="OrchestrationAlreadyExistsException">Same id requested while the instance is not terminal.</exception>
    public abstract Task<string> RestartInstanceAsync(string instanceId, bool restartWithNewInstanceId = false,
        CancellationToken ct = default);

    /// <summary>Deletes a terminal instance with its history. Purging a missing instance purges 0.</summary>
    /// <exception cref="InvalidOperationException">The instance is not terminal: terminate it first.</exception>
    public abstract Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken ct = default);

    public abstract Task<PurgeResult> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken ct = default);

    /// <summary>Waits until the instance is Completed, Failed or Terminated.</summary>
    /// <exception cref="OrchestrationNotFoundException"/>
    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId,
        bool getInputsAndOutputs = false, CancellationToken ct = default);
}
