using System.Diagnostics;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Episodes of an instance that this process has committed in memory but not yet written (write-behind, see
/// <see cref="AzureStorageStoreOptions.WriteBehindWindow"/>), merged into the one write set that brings the stored
/// state row up to date. Only episodes whose every effect stays in this process are deferred: activities for the
/// local channel, results from it, and consumption of stored messages. Losing the set (a crash) therefore loses no
/// decision: storage still holds the last written state, its messages and its activity rows, and replay from there
/// makes the same decisions again (activities may run again: at-least-once).
/// Guarded by <see cref="HotInstance.CommitLock"/>.
/// </summary>
internal sealed class UnwrittenEpisodes
{
    public UnwrittenEpisodes(InstanceState stored, string storedETag, long storedGen, IReadOnlyList<string> orphanKeys)
    {
        Stored = stored;
        StoredETag = storedETag;
        StoredGen = storedGen;
        OrphanKeys = orphanKeys;
        State = stored;
    }

    /// <summary>The state row as stored (what other processes and the sweep see).</summary>
    public InstanceState Stored { get; }
    public string StoredETag { get; }
    public long StoredGen { get; }
    /// <summary>Rows of a crashed multi-transaction commit at the next generation: deleted by the write.</summary>
    public IReadOnlyList<string> OrphanKeys { get; }

    /// <summary>The state after the last merged episode.</summary>
    public InstanceState State { get; private set; }
    /// <summary>History appended after <see cref="Stored"/>'s HistoryLength, in order.</summary>
    public List<HistoryEvent> History { get; } = [];
    /// <summary>New inbox rows (own timers), by message id.</summary>
    public Dictionary<string, OrchestrationMessage> Inbox { get; } = new(StringComparer.Ordinal);
    /// <summary>New outbox rows not dispatched and deleted meanwhile, by outbox id.</summary>
    public Dictionary<string, OutboxEntry> Outbox { get; } = new(StringComparer.Ordinal);
    /// <summary>Stored outbox rows to delete (their activity's result is in <see cref="History"/>).</summary>
    public HashSet<string> DeletedOutbox { get; } = new(StringComparer.Ordinal);
    /// <summary>Stored inbox rows consumed: deleted only after the write, like every consumed message.</summary>
    public HashSet<string> ConsumedInbox { get; } = new(StringComparer.Ordinal);

    public int Episodes { get; private set; }
    public long StartedAt { get; } = Stopwatch.GetTimestamp();
    public TimeSpan Age => Stopwatch.GetElapsedTime(StartedAt);

    /// <summary>Upper bound of the rows the write will touch, history counted per event (to keep it within one table transaction).</summary>
    public int RowCount => History.Count + Inbox.Count + Outbox.Count + DeletedOutbox.Count + ConsumedInbox.Count + OrphanKeys.Count + 1;

    /// <summary>
    /// Adds an episode. <paramref name="localIds"/>: consumed messages held only in memory (nothing stored to
    /// delete); <paramref name="outboxDone"/>: outbox rows whose activity result this episode consumed.
    /// </summary>
    public void Merge(EpisodeCommit commit, InstanceState next, ISet<string> localIds, IEnumerable<string> outboxDone)
    {
        foreach (var id in commit.ConsumedMessageIds)
        {
            if (localIds.Contains(id) || Inbox.Remove(id)) continue; // never stored
            ConsumedInbox.Add(id);
        }
        foreach (var outboxId in outboxDone)
        {
            if (!Outbox.Remove(outboxId)) DeletedOutbox.Add(outboxId);
        }
        History.AddRange(commit.NewHistory);
        foreach (var m in commit.NewInboxMessages) Inbox[m.Id] = m;
        foreach (var o in commit.NewOutbox)
        {
            Outbox[o.Id] = o;
            DeletedOutbox.Remove(o.Id);
        }
        State = next;
        Episodes++;
    }

    /// <summary>An outbox row was dispatched (not locally): true when it was never stored, so nothing is left to delete.</summary>
    public bool ForgetOutbox(string outboxId) => Outbox.Remove(outboxId);
}
