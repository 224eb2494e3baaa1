namespace Orchestrator.Durable.Storage;

/// <summary>
/// Durable storage of the engine: per-instance partitions (state row, history, inbox, outbox), an index for
/// queries, a wake-up queue and an activity queue. Implemented by the in-memory store (tests) and the Azure
/// Storage store; both must behave identically as far as this contract says.
/// <para>
/// The rule: an instance's state advances only through <see cref="CreateInstanceAsync"/> and
/// <see cref="CommitEpisodeAsync"/>, each one atomic conditional write; every other method is idempotent or
/// harmless to repeat. Methods take a CancellationToken and throw only on infrastructure failure (callers retry).
/// All instance ids reaching the store were validated by the engine (table-key safe, at most 256 characters).
/// All times are UTC. Payload strings may be large (up to DurableTaskOptions.MaxPayloadBytes): a store that
/// cannot hold them inline keeps them elsewhere (blobs) and always returns the full text.
/// </para>
/// </summary>
internal interface IOrchestrationStore
{
    // ---------------------------------------------------------------- instances

    /// <summary>
    /// Creates an execution: writes <paramref name="state"/> (its HistoryLength is 0) and puts
    /// <paramref name="startMessage"/> (an ExecutionStarted message, possibly with VisibleAt for a delayed
    /// start) in the inbox, atomically.
    /// <list type="bullet">
    /// <item>No state row: created. Inbox rows already waiting there (events sent ahead) are kept.</item>
    /// <item>State row with StartMessageId == startMessage.Id (a redelivered start, e.g. a re-dispatched
    /// sub-orchestration start): nothing is written; returns Created=false with that row, which callers
    /// treat as success. This holds even when that execution is already terminal.</item>
    /// <item>Non-terminal state row: nothing is written; returns Created=false with that row (a conflict).</item>
    /// <item>Terminal state row: replaced; the old execution's history, inbox and outbox rows stop being
    /// part of the instance (the store may delete them after the write). Guarded by the old row's ETag so
    /// that two concurrent replacements cannot both succeed (the loser sees the winner's non-terminal row).</item>
    /// </list>
    /// Does not send a wake-up; the caller does.
    /// </summary>
    Task<CreateInstanceResult> CreateInstanceAsync(InstanceState state, OrchestrationMessage startMessage, CancellationToken ct);

    /// <summary>Reads the state row (payloads resolved), or null. Always current (never from a lagging index).</summary>
    Task<InstanceState?> GetInstanceAsync(string instanceId, CancellationToken ct);

    /// <summary>
    /// Reads what an episode needs: state row with its ETag, the inbox rows visible at <paramref name="now"/>,
    /// the outbox rows, and the history of the current execution when <paramref name="includeHistory"/>
    /// (the caller skips it when its cached copy has the same ETag). Null when no state row exists.
    /// Rows of an uncommitted or failed commit are never returned. History is ordered by sequence number
    /// and has exactly State.HistoryLength events.
    /// </summary>
    Task<InstanceSnapshot?> LoadInstanceAsync(string instanceId, bool includeHistory, DateTimeOffset now, CancellationToken ct);

    /// <summary>History of the current execution, oldest first; empty when the instance does not exist.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct);

    /// <summary>
    /// The one way an existing instance advances. If the state row's current ETag equals
    /// <paramref name="expectedETag"/>, applies the whole commit and returns the new ETag; otherwise applies
    /// nothing and returns <see cref="CommitResult.Conflict"/>. Atomic as observed through this interface:
    /// a reader sees either none or all of it, also after a crash in the middle (Azure: rows beyond the
    /// committed HistoryLength / of uncommitted episodes are written first under deterministic keys and
    /// become visible only through the final conditional state-row write; consumed inbox rows are deleted
    /// only after it, and a consumed row that reappears after a crash is recognised by the engine through
    /// the MessageId recorded in history). Must support thousands of history and outbox rows in one commit.
    /// The store also updates its query index (may lag briefly; repaired later).
    /// A store may keep a commit whose every effect stays in this process (local activities and their results) in
    /// memory and write it together with a later one (the Azure store's write-behind): the returned token then
    /// stands for this process's version, readers in other processes see the instance as of the last write, and a
    /// crash loses the unwritten episodes together (replay from the stored state redoes them).
    /// </summary>
    Task<CommitResult> CommitEpisodeAsync(EpisodeCommit commit, string expectedETag, CancellationToken ct);

    /// <summary>
    /// Adds messages to an instance's inbox (same TargetInstanceId). Idempotent per message id: a message
    /// whose id is already in the inbox is not added again (the first copy wins). Does not check that the
    /// instance exists and does not touch the state row or its ETag. Does not send a wake-up.
    /// </summary>
    Task DeliverMessagesAsync(string instanceId, IReadOnlyList<OrchestrationMessage> messages, CancellationToken ct);

    /// <summary>Deletes dispatched outbox rows. Missing ids are ignored. Does not change the ETag.</summary>
    Task DeleteOutboxAsync(string instanceId, IReadOnlyList<string> outboxIds, CancellationToken ct);

    /// <summary>
    /// Pages through instances matching <paramref name="query"/>, ordered by instance id. Results may lag the
    /// state rows briefly (index); callers needing the exact status read the state row.
    /// </summary>
    Task<InstanceQueryPage> QueryInstancesAsync(InstanceQuery query, CancellationToken ct);

    /// <summary>
    /// Deletes the instance entirely (state row, history, inbox, outbox, index entry, blobs). Returns false
    /// if there was no state row. The caller checked that the instance is terminal. Idempotent.
    /// </summary>
    Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken ct);

    /// <summary>
    /// Ids of non-terminal instances whose NextWakeAt is at or before <paramref name="now"/>, at most
    /// <paramref name="maxCount"/>, earliest first when practical. Used by the sweep to re-send wake-ups
    /// (crash between commit and send, timers beyond the queue's maximum delay).
    /// </summary>
    Task<IReadOnlyList<string>> GetInstancesDueForWakeUpAsync(DateTimeOffset now, int maxCount, CancellationToken ct);

    // ---------------------------------------------------------------- wake-up queue

    /// <summary>
    /// Asks a worker to run an episode of the instance, not before <paramref name="notBefore"/> (null: now).
    /// Duplicates are harmless. The store may deliver earlier than requested when the delay exceeds what its
    /// queue supports (Azure: 7 days); the engine re-arms.
    /// </summary>
    Task SendWakeUpAsync(string instanceId, DateTimeOffset? notBefore, CancellationToken ct);

    /// <summary>
    /// Receives up to <paramref name="maxCount"/> visible notices, each hidden for
    /// <paramref name="visibilityTimeout"/>; a notice not completed in time becomes visible again.
    /// </summary>
    Task<IReadOnlyList<WakeUpNotice>> ReceiveWakeUpsAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct);

    /// <summary>Deletes a received notice. A notice already deleted or re-leased elsewhere is ignored.</summary>
    Task CompleteWakeUpAsync(WakeUpNotice notice, CancellationToken ct);

    // ---------------------------------------------------------------- activity queue

    /// <summary>Enqueues work items (at-least-once). Enqueuing the same Id twice may run it twice: results are de-duplicated.</summary>
    Task EnqueueActivitiesAsync(IReadOnlyList<ActivityWorkItem> items, CancellationToken ct);

    /// <summary>Receives up to <paramref name="maxCount"/> visible work items, each leased for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<ActivityLease>> ReceiveActivitiesAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct);

    /// <summary>Extends a lease; returns the lease with its new receipt. Throws if the lease was lost.</summary>
    Task<ActivityLease> RenewActivityLeaseAsync(ActivityLease lease, TimeSpan visibilityTimeout, CancellationToken ct);

    /// <summary>Deletes a work item after its result was delivered. A lost lease or deleted item is ignored.</summary>
    Task CompleteActivityAsync(ActivityLease lease, CancellationToken ct);
}
