using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// What this process knows about an instance it is working on. While <see cref="ETag"/> is the stored state
/// row's ETag, this knowledge is complete as far as this process is concerned: every durable message someone
/// else writes to the instance comes with a wake-up notice that either marks the entry <see cref="Dirty"/>
/// (received here) or leads another process to commit (then our next commit fails on the ETag and re-reads).
/// So an episode can run from memory without reading storage. Guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class HotInstance
{
    public readonly object Gate = new();

    /// <summary>
    /// The version of the instance the engine last saw from this process (the value it passes back to commit): the
    /// state row's ETag, or a token of this process while <see cref="Unwritten"/> holds episodes storage does not
    /// have yet. Null: unknown, read before use.
    /// </summary>
    public string? ETag;
    /// <summary>ETag of the state row as last written or read by this process.</summary>
    public string? StoredETag;
    /// <summary>Episodes committed in memory only (write-behind); null when storage is up to date.</summary>
    public UnwrittenEpisodes? Unwritten;
    /// <summary>Serialises commits, write-behind flushes and outbox deletes of the instance in this process.</summary>
    public readonly SemaphoreSlim CommitLock = new(1, 1);
    public long Gen;
    public InstanceState? State;
    /// <summary>Orphan rows of a crashed multi-transaction commit, to delete with the next commit.</summary>
    public IReadOnlyList<string> OrphanKeys = [];
    /// <summary>A message may be in storage that this process has not read: read before the next episode.</summary>
    public bool Dirty = true;

    /// <summary>Committed inbox rows (including timers not yet due) known to exist.</summary>
    public readonly Dictionary<string, OrchestrationMessage> KnownInbox = new(StringComparer.Ordinal);
    /// <summary>Results of locally run activities, held only in memory until an episode commits them.</summary>
    public readonly List<OrchestrationMessage> LocalInbox = [];
    /// <summary>Committed outbox rows not yet deleted, by outbox id.</summary>
    public readonly Dictionary<string, OutboxEntry> Outbox = new(StringComparer.Ordinal);
    /// <summary>
    /// Activity outbox rows dispatched to the local channel, by the id of the result message they expect. The row
    /// stays in storage (the durable record of the activity) until the commit that consumes the result deletes it.
    /// </summary>
    public readonly Dictionary<string, string> DeferredOutbox = new(StringComparer.Ordinal);
    /// <summary>Work item ids currently queued or running in the local channel.</summary>
    public readonly HashSet<string> LocalFlight = new(StringComparer.Ordinal);
    /// <summary>Created by this process and not yet woken: its start notice may go through the local channel.</summary>
    public bool CreatedHere;
    /// <summary>Local deliveries whose wake-up has not been signalled yet.</summary>
    public int PendingLocalSignals;

    public long LastUsedTicks = Environment.TickCount64;

    /// <summary>Nothing here that exists only in memory: the entry can be dropped without losing anything.</summary>
    public bool IsClean => Unwritten is null && LocalInbox.Count == 0 && LocalFlight.Count == 0 && DeferredOutbox.Count == 0 && PendingLocalSignals == 0;
}
