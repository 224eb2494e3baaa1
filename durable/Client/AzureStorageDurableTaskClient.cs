using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Core = DurableTask.Core;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;
using OrchestrationQuery = Microsoft.DurableTask.Client.OrchestrationQuery;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace Orchestrator.Durable.Client;

/// <summary>
/// Microsoft's <see cref="DurableTaskClient"/> over DTFx's client interfaces of the shared
/// <see cref="AzureStorageOrchestrationService"/>; a small port of Microsoft's ShimDurableTaskClient (MIT), which
/// is not served as a package. Differences: terminate is always recursive over running sub-orchestrations (DTFx
/// terminates only the one instance); starting an id that is Pending, Running, Suspended or ContinuedAsNew throws
/// <see cref="OrchestrationAlreadyExistsException"/> unless DedupeStatuses says otherwise (no terminate-and-replace).
/// Inputs are serialized here with the client's DataConverter and handed to DTFx as strings, so Newtonsoft never
/// sees them. Raising an event to an unknown or ended instance does not throw: DTFx drops the message.
/// </summary>
internal sealed class AzureStorageDurableTaskClient : DurableTaskClient
{
    private static readonly Core.OrchestrationStatus[] NotEndedStatuses =
    [
        Core.OrchestrationStatus.Pending, Core.OrchestrationStatus.Running,
        Core.OrchestrationStatus.Suspended, Core.OrchestrationStatus.ContinuedAsNew,
    ];

    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    private readonly IOrchestrationServiceClient _client;
    private readonly IOrchestrationServiceQueryClient _queryClient;
    private readonly IOrchestrationServicePurgeClient _purgeClient;
    private readonly DurableTaskClientOptions _options;

    // The name is what DefaultDurableTaskClientBuilder.Build passes; the rest come from DI.
    public AzureStorageDurableTaskClient(
        string name, AzureStorageOrchestrationService service, IOptionsMonitor<DurableTaskClientOptions> options)
        : base(name)
    {
        _client = service;
        _queryClient = service;
        _purgeClient = service;
        _options = options.Get(name);
    }

    private DataConverter Converter => _options.DataConverter;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null,
        CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instance = new OrchestrationInstance
        {
            InstanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N"),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var version = options?.Version?.Version;
        var started = new ExecutionStartedEvent(-1, Converter.Serialize(input))
        {
            Name = orchestratorName.Name,
            Version = string.IsNullOrEmpty(version) ? _options.DefaultVersion ?? string.Empty : version,
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value) ?? [],
            ParentTraceContext = Activity.Current is { Id: { } id } activity
                ? new Core.Tracing.DistributedTraceContext(id, activity.TraceStateString)
                : null,
        };
        await _client.CreateTaskOrchestrationAsync(
            new TaskMessage { OrchestrationInstance = instance, Event = started },
            DedupeStatuses(options)).WaitAsync(cancellation).ConfigureAwait(false);
        return instance.InstanceId;
    }

    private static Core.OrchestrationStatus[] DedupeStatuses(StartOrchestrationOptions? options)
    {
        if (options?.DedupeStatuses is not { Count: > 0 } names) return NotEndedStatuses;
        return names.Select(n => Enum.TryParse<OrchestrationRuntimeStatus>(n, ignoreCase: true, out var s)
                ? s.ToCore()
                : throw new ArgumentException($"'{n}' is not an orchestration runtime status.", nameof(options)))
            .Union(NotEndedStatuses) // Replacing a running instance is not supported here.
            .ToArray();
    }

    public override Task RaiseEventAsync(
        string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(-1, Converter.Serialize(eventPayload)) { Name = eventName }, cancellation);
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    /// <summary>
    /// Terminates the instance and, always (whatever <see cref="TerminateInstanceOptions.Recursive"/> says), every
    /// sub-orchestration in its latest history that has not ended, depth first: in this domain a child without its
    /// parent has no one to report to.
    /// </summary>
    public override async Task TerminateInstanceAsync(
        string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var reason = Converter.Serialize(options?.Output);
        await TerminateTreeAsync(instanceId, reason, new HashSet<string>(StringComparer.Ordinal), cancellation)
            .ConfigureAwait(false);
    }

    private async Task TerminateTreeAsync(string instanceId, string? reason, HashSet<string> seen, CancellationToken cancellation)
    {
        if (!seen.Add(instanceId)) return;
        cancellation.ThrowIfCancellationRequested();
        await _client.ForceTerminateTaskOrchestrationAsync(instanceId, reason).ConfigureAwait(false);
        // An episode in flight when the terminate arrives may still create children: read the history once the
        // instance has ended, so its last children are found too.
        var state = await WaitForEndAsync(instanceId, cancellation).ConfigureAwait(false);
        if (state is null) return;
        foreach (var childId in await GetChildInstanceIdsAsync(state).ConfigureAwait(false))
        {
            var child = await GetStateAsync(childId).ConfigureAwait(false);
            // No state yet: the child's start message is queued ahead of the terminate, which then ends it.
            if (child is null || !child.OrchestrationStatus.IsTerminal())
                await TerminateTreeAsync(childId, reason, seen, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The instance's state once it has ended, or its last state after <see cref="TerminateSettleTime"/>; null when unknown.</summary>
    private async Task<Core.OrchestrationState?> WaitForEndAsync(string instanceId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TerminateSettleTime;
        while (true)
        {
            var state = await GetStateAsync(instanceId).ConfigureAwait(false);
            if (state is null || state.OrchestrationStatus.IsTerminal() || DateTime.UtcNow >= deadline) return state;
            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>How long a terminate waits for an instance to end before it looks for the instance's children.</summary>
    private static readonly TimeSpan TerminateSettleTime = TimeSpan.FromSeconds(30);

    private async Task<IEnumerable<string>> GetChildInstanceIdsAsync(Core.OrchestrationState state)
    {
        var history = HistoryEventJson.Parse(await _client.GetOrchestrationHistoryAsync(
            state.OrchestrationInstance.InstanceId, state.OrchestrationInstance.ExecutionId).ConfigureAwait(false));
        return history.OfType<SubOrchestrationInstanceCreatedEvent>()
            .Select(e => e.InstanceId)
            .Where(id => !string.IsNullOrEmpty(id))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(
        string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return ToMetadata(await GetStateAsync(instanceId).ConfigureAwait(false), getInputsAndOutputs);
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new CoreQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(s => s.ToCore()).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                TaskHubNames = filter?.TaskHubNames?.ToList(),
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await _queryClient.GetOrchestrationWithQueryAsync(query, cancellation).ConfigureAwait(false);
            var items = result.OrchestrationState
                .Select(s => ToMetadata(s, query.FetchInputsAndOutputs)!)
                .ToList();
            // An empty token means "no more"; Page treats null as the end.
            return new Page<OrchestrationMetadata>(items, string.IsNullOrEmpty(result.ContinuationToken) ? null : result.ContinuationToken);
        });

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(
        string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        PollAsync(instanceId, getInputsAndOutputs, s => s != Core.OrchestrationStatus.Pending, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(
        string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        PollAsync(instanceId, getInputsAndOutputs, s => s.IsTerminal(), cancellation);

    private async Task<OrchestrationMetadata> PollAsync(
        string instanceId, bool getInputsAndOutputs, Func<Core.OrchestrationStatus, bool> done, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var delay = FirstPollDelay;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var state = await GetStateAsync(instanceId).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Orchestration instance '{instanceId}' does not exist.");
            if (done(state.OrchestrationStatus)) return ToMetadata(state, getInputsAndOutputs)!;
            await Task.Delay(delay, cancellation).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
        }
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(
        string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var state = await GetStateAsync(instanceId).ConfigureAwait(false);
        if (state is null) return new PurgeResult(0);
        if (!state.OrchestrationStatus.IsTerminal())
            throw new InvalidOperationException(
                $"Only ended orchestrations can be purged; '{instanceId}' is {state.OrchestrationStatus.ToClient()}.");
        cancellation.ThrowIfCancellationRequested();
        var result = await _purgeClient.PurgeInstanceStateAsync(instanceId).ConfigureAwait(false);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(
        PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellation.ThrowIfCancellationRequested();
        var result = await _purgeClient.PurgeInstanceStateAsync(filter.ToCore()).ConfigureAwait(false);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    /// <summary>
    /// Starts the instance again with its original name, version and input: with the same id only once it has
    /// ended (else <see cref="OrchestrationAlreadyExistsException"/>), or under a new id.
    /// </summary>
    public override async Task<string> RestartAsync(
        string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var state = await GetStateAsync(instanceId).ConfigureAwait(false)
            ?? throw new ArgumentException($"Orchestration instance '{instanceId}' was not found.", nameof(instanceId));
        if (!restartWithNewInstanceId && !state.OrchestrationStatus.IsTerminal())
            throw new OrchestrationAlreadyExistsException(
                $"Orchestration instance '{instanceId}' is {state.OrchestrationStatus.ToClient()}; only an ended instance restarts under its own id.");

        var instance = new OrchestrationInstance
        {
            InstanceId = restartWithNewInstanceId ? Guid.NewGuid().ToString("N") : instanceId,
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        // The stored input is already serialized: passed through as is.
        var started = new ExecutionStartedEvent(-1, state.Input)
        {
            Name = state.Name,
            Version = state.Version ?? string.Empty,
            OrchestrationInstance = instance,
            Tags = state.Tags is null ? [] : new Dictionary<string, string>(state.Tags),
        };
        await _client.CreateTaskOrchestrationAsync(
            new TaskMessage { OrchestrationInstance = instance, Event = started }, NotEndedStatuses)
            .WaitAsync(cancellation).ConfigureAwait(false);
        return instance.InstanceId;
    }

    /// <summary>The history of the latest execution (after ContinueAsNew, the current generation only).</summary>
    public override async Task<IList<HistoryEvent>> GetOrchestrationHistoryAsync(
        string instanceId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var state = await GetStateAsync(instanceId).ConfigureAwait(false);
        if (state is null) return [];
        cancellation.ThrowIfCancellationRequested();
        return HistoryEventJson.Parse(await _client.GetOrchestrationHistoryAsync(
            instanceId, state.OrchestrationInstance.ExecutionId).ConfigureAwait(false));
    }

    // The orchestration service is a shared singleton owned by DI; nothing to release here.
    public override ValueTask DisposeAsync() => default;

    private async Task<Core.OrchestrationState?> GetStateAsync(string instanceId)
    {
        var states = await _client.GetOrchestrationStateAsync(instanceId, allExecutions: false).ConfigureAwait(false);
        return states?.FirstOrDefault(s => s is not null);
    }

    private Task SendAsync(string instanceId, HistoryEvent @event, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return _client.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = @event,
        });
    }

    private OrchestrationMetadata? ToMetadata(Core.OrchestrationState? state, bool getInputsAndOutputs) =>
        state is null
            ? null
            : new OrchestrationMetadata(state.Name, state.OrchestrationInstance.InstanceId)
            {
                // Always set, so ReadCustomStatusAs<T>() works with the project's JSON even without inputs.
                DataConverter = Converter,
                RuntimeStatus = state.OrchestrationStatus.ToClient(),
                CreatedAt = state.CreatedTime.AsUtc(),
                LastUpdatedAt = state.LastUpdatedTime.AsUtc(),
                SerializedInput = getInputsAndOutputs ? state.Input : null,
                SerializedOutput = getInputsAndOutputs ? state.Output : null,
                SerializedCustomStatus = state.Status,
                FailureDetails = state.FailureDetails.ToClient(),
                Tags = OrchestrationVersions.WithVersion(state.Tags, state.Version),
            };
}
