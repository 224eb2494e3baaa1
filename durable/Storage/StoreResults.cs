namespace Orchestrator.Durable.Storage;

/// <param name="Succeeded">False: the ETag did not match (another writer won); nothing of the commit is visible.</param>
/// <param name="NewETag">ETag of the new state row when succeeded.</param>
internal sealed record CommitResult(bool Succeeded, string? NewETag)
{
    public static CommitResult Conflict { get; } = new(false, null);
}

/// <param name="Created">True: this call created the execution.</param>
/// <param name="Existing">When not created: the state row that prevented it (non-terminal, or created by the same start message).</param>
internal sealed record CreateInstanceResult(bool Created, InstanceState? Existing);

/// <summary>What an episode needs, read in one go (one partition query in Azure).</summary>
/// <param name="History">Full history of the current execution; null when not requested.</param>
/// <param name="ReadyInbox">Inbox rows with VisibleAt null or &lt;= now, ordered by (EnqueuedAt, delivery order).</param>
/// <param name="Outbox">Outbox rows not yet dispatched (left over by a crash or a failed dispatch).</param>
internal sealed record InstanceSnapshot(
    InstanceState State,
    string ETag,
    IReadOnlyList<HistoryEvent>? History,
    IReadOnlyList<OrchestrationMessage> ReadyInbox,
    IReadOnlyList<OutboxEntry> Outbox);

/// <summary>Filter for <see cref="IOrchestrationStore.QueryInstancesAsync"/>; every given criterion must match.</summary>
internal sealed record InstanceQuery
{
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }
    public DateTimeOffset? CreatedFrom { get; init; }
    /// <summary>Exclusive.</summary>
    public DateTimeOffset? CreatedTo { get; init; }
    public string? Name { get; init; }
    public string? InstanceIdPrefix { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public int PageSize { get; init; } = 100;
    public string? ContinuationToken { get; init; }
    /// <summary>False: Input/Output/CustomStatus may be left null in results (saves blob reads).</summary>
    public bool IncludePayloads { get; init; }
}

/// <param name="ContinuationToken">Opaque; null on the last page. A page may hold fewer than PageSize items even when more follow.</param>
internal sealed record InstanceQueryPage(IReadOnlyList<InstanceState> Instances, string? ContinuationToken);

/// <summary>A received wake-up notice; <see cref="Receipt"/> is the store's handle to complete it.</summary>
internal sealed record WakeUpNotice(string InstanceId, string Receipt, int DequeueCount);

/// <summary>A received activity work item under a lease; <see cref="Receipt"/> changes when the lease is renewed.</summary>
internal sealed record ActivityLease(ActivityWorkItem WorkItem, string Receipt, int DequeueCount);
