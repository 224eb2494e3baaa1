namespace Orchestrator.Durable.Client;

/// <summary>The client over <see cref="Storage.IOrchestrationStore"/>.</summary>
internal sealed class StoreDurableTaskClient : DurableTaskClient
{
    public override Task<string> ScheduleNewOrchestrationInstanceAsync(string name, object? input = null, StartOrchestrationOptions? options = null, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, RaiseEventOptions? options = null, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<string> RestartInstanceAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<PurgeResult> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken ct = default) => throw new NotImplementedException();
    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken ct = default) => throw new NotImplementedException();
}
