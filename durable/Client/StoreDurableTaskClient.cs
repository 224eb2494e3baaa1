using Microsoft.Extensions.Options;
using Orchestrator.Durable.Execution;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Client;

/// <summary>The client over <see cref="IOrchestrationStore"/>: validates, then writes inbox messages and wake-ups.</summary>
internal sealed class StoreDurableTaskClient(IOrchestrationStore store, OrchestrationCatalog catalog, TimeProvider time,
    IOptions<DurableTaskOptions> options) : DurableTaskClient
{
    private long MaxPayload => options.Value.MaxPayloadBytes;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(string name, object? input = null,
        StartOrchestrationOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var version = catalog.ResolveVersion(name, options?.Version) ?? throw new UnknownOrchestratorException(name, options?.Version);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIdValidator.Validate(instanceId);
        var json = DurableJson.Serialize(input);
        PayloadGuard.Check(json, $"input of orchestration '{name}'", MaxPayload);
        return await StartAsync(instanceId, catalog.CanonicalName(name), version, json, options?.StartAt, options?.Tags, ct).ConfigureAwait(false);
    }

    private async Task<string> StartAsync(string instanceId, string name, string version, string? input, DateTimeOffset? startAt,
        IReadOnlyDictionary<string, string>? tags, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (state, start) = InstanceFactory.NewExecution(instanceId, name, version, input, now, MessageIds.ClientStart(), startAt,
            tags is null ? null : new Dictionary<string, string>(tags));
        var result = await store.CreateInstanceAsync(state, start, ct).ConfigureAwait(false);
        if (!result.Created)
            throw new OrchestrationAlreadyExistsException(instanceId, result.Existing!.Status);
        await store.SendWakeUpAsync(instanceId, state.NextWakeAt, ct).ConfigureAwait(false);
        return instanceId;
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null,
        RaiseEventOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var json = DurableJson.Serialize(eventPayload);
        PayloadGuard.Check(json, $"payload of event '{eventName}'", MaxPayload);
        await SendAsync(instanceId, MessageIds.RaisedEvent(options?.IdempotencyKey),
            new HistoryEvent { EventType = HistoryEventType.EventRaised, Name = eventName, Input = json }, ct).ConfigureAwait(false);
    }

    public override async Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken ct = default)
    {
        var json = DurableJson.Serialize(output);
        PayloadGuard.Check(json, "termination output", MaxPayload);
        await SendAsync(instanceId, MessageIds.Control("terminate"),
            new HistoryEvent { EventType = HistoryEventType.ExecutionTerminated, Result = json }, ct).ConfigureAwait(false);
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default)
        => SendAsync(instanceId, MessageIds.Control("suspend"), new HistoryEvent { EventType = HistoryEventType.ExecutionSuspended, Input = reason }, ct);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default)
        => SendAsync(instanceId, MessageIds.Control("resume"), new HistoryEvent { EventType = HistoryEventType.ExecutionResumed, Input = reason }, ct);

    private async Task SendAsync(string instanceId, string messageId, HistoryEvent e, CancellationToken ct)
    {
        InstanceIdValidator.Validate(instanceId);
        var state = await store.GetInstanceAsync(instanceId, ct).ConfigureAwait(false) ?? throw new OrchestrationNotFoundException(instanceId);
        if (state.IsTerminal)
            throw new OrchestrationNotRunningException(instanceId, state.Status);
        var now = time.GetUtcNow();
        var message = new OrchestrationMessage
        {
            Id = messageId, TargetInstanceId = instanceId, EnqueuedAt = now,
            Event = new HistoryEvent { EventType = e.EventType, Timestamp = now, Name = e.Name, Input = e.Input, Result = e.Result },
        };
        await store.DeliverMessagesAsync(instanceId, [message], ct).ConfigureAwait(false);
        await store.SendWakeUpAsync(instanceId, null, ct).ConfigureAwait(false);
    }

    // Reads answer "not there" for ids that can never exist, so that ids from URLs need no pre-validation.

    public override async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken ct = default)
    {
        if (!InstanceIdValidator.IsValid(instanceId))
            return null;
        var state = await store.GetInstanceAsync(instanceId, ct).ConfigureAwait(false);
        return state is null ? null : ToMetadata(state, getInputsAndOutputs);
    }

    public override async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct = default)
    {
        if (!InstanceIdValidator.IsValid(instanceId))
            return [];
        return await store.GetHistoryAsync(instanceId, ct).ConfigureAwait(false);
    }

    public override async Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = await store.QueryInstancesAsync(new InstanceQuery
        {
            Statuses = query.Statuses, CreatedFrom = query.CreatedFrom, CreatedTo = query.CreatedTo, Name = query.Name,
            InstanceIdPrefix = query.InstanceIdPrefix, Tags = query.Tags, PageSize = Math.Clamp(query.PageSize, 1, 1000),
            ContinuationToken = query.ContinuationToken, IncludePayloads = query.FetchInputsAndOutputs,
        }, ct).ConfigureAwait(false);
        return new OrchestrationQueryResult(page.Instances.Select(s => ToMetadata(s, query.FetchInputsAndOutputs)).ToList(), page.ContinuationToken);
    }

    public override async Task<string> RestartInstanceAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken ct = default)
    {
        InstanceIdValidator.Validate(instanceId);
        var state = await store.GetInstanceAsync(instanceId, ct).ConfigureAwait(false) ?? throw new OrchestrationNotFoundException(instanceId);
        var newId = restartWithNewInstanceId ? Guid.NewGuid().ToString("N") : instanceId;
        return await StartAsync(newId, state.Name, state.Version, state.Input, null, state.Tags, ct).ConfigureAwait(false);
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken ct = default)
    {
        if (!InstanceIdValidator.IsValid(instanceId))
            return new PurgeResult(0);
        var state = await store.GetInstanceAsync(instanceId, ct).ConfigureAwait(false);
        if (state is null)
            return new PurgeResult(0);
        if (!state.IsTerminal)
            throw new InvalidOperationException($"Orchestration instance '{instanceId}' is {state.Status}; only ended instances can be purged. Terminate it first.");
        return new PurgeResult(await store.PurgeInstanceAsync(instanceId, ct).ConfigureAwait(false) ? 1 : 0);
    }

    public override async Task<PurgeResult> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        OrchestrationRuntimeStatus[] terminal = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        var statuses = filter.Statuses is { Count: > 0 } requested ? terminal.Where(requested.Contains).ToArray() : terminal;
        if (statuses.Length == 0)
            return new PurgeResult(0);
        var purged = 0;
        string? token = null;
        do
        {
            var page = await store.QueryInstancesAsync(new InstanceQuery
            {
                Statuses = statuses, CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, PageSize = 500, ContinuationToken = token,
            }, ct).ConfigureAwait(false);
            foreach (var candidate in page.Instances)
            {
                // The index may lag: confirm on the state row before deleting.
                var state = await store.GetInstanceAsync(candidate.InstanceId, ct).ConfigureAwait(false);
                if (state is { IsTerminal: true } && statuses.Contains(state.Status) && await store.PurgeInstanceAsync(state.InstanceId, ct).ConfigureAwait(false))
                    purged++;
            }
            token = page.ContinuationToken;
        } while (token is not null);
        return new PurgeResult(purged);
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken ct = default)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var metadata = await GetInstanceAsync(instanceId, getInputsAndOutputs, ct).ConfigureAwait(false)
                ?? throw new OrchestrationNotFoundException(instanceId);
            if (metadata.IsCompleted)
                return metadata;
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    internal static OrchestrationMetadata ToMetadata(InstanceState s, bool withPayloads) => new()
    {
        InstanceId = s.InstanceId, Name = s.Name, Version = s.Version, ExecutionId = s.ExecutionId, RuntimeStatus = s.Status,
        CreatedAt = s.CreatedAt, LastUpdatedAt = s.LastUpdatedAt, CompletedAt = s.CompletedAt,
        SerializedInput = withPayloads ? s.Input : null, SerializedOutput = withPayloads ? s.Output : null,
        SerializedCustomStatus = s.CustomStatus, FailureDetails = s.FailureDetails,
        Tags = s.Tags ?? new Dictionary<string, string>(), ParentInstanceId = s.ParentInstanceId, NextWakeAt = s.NextWakeAt,
    };
}
