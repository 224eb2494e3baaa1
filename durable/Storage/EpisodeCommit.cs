namespace Orchestrator.Durable.Storage;

/// <summary>Everything one episode changes in one instance's partition, committed atomically.</summary>
internal sealed record EpisodeCommit
{
    public required string InstanceId { get; init; }
    /// <summary>
    /// The new state row. If its ExecutionId differs from the stored one (ContinueAsNew, or a start after
    /// Pending), the previous execution's history is no longer part of the instance; <see cref="NewHistory"/>
    /// then starts at sequence 0.
    /// </summary>
    public required InstanceState NewState { get; init; }
    /// <summary>Appended at sequence numbers [old HistoryLength .. NewState.HistoryLength); may be thousands.</summary>
    public IReadOnlyList<HistoryEvent> NewHistory { get; init; } = [];
    /// <summary>Inbox rows to delete. Ids that no longer exist are ignored.</summary>
    public IReadOnlyList<string> ConsumedMessageIds { get; init; } = [];
    /// <summary>New inbox rows of this instance (its own timers, carried events of ContinueAsNew).</summary>
    public IReadOnlyList<OrchestrationMessage> NewInboxMessages { get; init; } = [];
    /// <summary>New outbox rows; may be thousands (fan-out).</summary>
    public IReadOnlyList<OutboxEntry> NewOutbox { get; init; } = [];
}
