using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.InMemory;

/// <summary>
/// <see cref="IOrchestrationStore"/> in process memory, for tests and local runs. One lock makes every
/// method atomic; ETags change on every state-row write exactly like the Azure store's, so conflict paths are
/// real. Queue visibility follows the injected <see cref="TimeProvider"/> (a fake clock in tests).
/// </summary>
internal sealed class InMemoryOrchestrationStore(TimeProvider time) : IOrchestrationStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly List<QueueItem<string>> _wakeUps = [];
    private readonly List<QueueItem<ActivityWorkItem>> _activities = [];
    private long _etagCounter;
    private long _sequence;

    private sealed class Partition
    {
        public InstanceState? State;
        public string ETag = "";
        public List<HistoryEvent> History = [];
        public List<(OrchestrationMessage Message, long Seq)> Inbox = [];
        public List<OutboxEntry> Outbox = [];
    }

    private sealed class QueueItem<T>(T value, DateTimeOffset visibleAt)
    {
        public T Value = value;
        public DateTimeOffset VisibleAt = visibleAt;
        public int DequeueCount;
        public string? Receipt;
    }

    private string NewETag() => $"W/\"{++_etagCounter}\"";

    public Task<CreateInstanceResult> CreateInstanceAsync(InstanceState state, OrchestrationMessage startMessage, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_partitions.TryGetValue(state.InstanceId, out var p) && p.State is { } existing)
            {
                if (existing.StartMessageId == startMessage.Id || !existing.IsTerminal)
                    return Task.FromResult(new CreateInstanceResult(false, existing));
                // Replacing a terminal instance: its old execution disappears entirely.
                p.History = [];
                p.Inbox = [];
                p.Outbox = [];
            }
            else if (p is null)
            {
                p = new Partition();
                _partitions[state.InstanceId] = p;
            }
            p.State = state with { HistoryLength = 0 };
            p.ETag = NewETag();
            AddInbox(p, startMessage);
            return Task.FromResult(new CreateInstanceResult(true, null));
        }
    }

    private void AddInbox(Partition p, OrchestrationMessage message)
    {
        if (p.Inbox.Exists(m => m.Message.Id == message.Id))
            return;
        p.Inbox.Add((message, ++_sequence));
    }

    public Task<InstanceState?> GetInstanceAsync(string instanceId, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult(_partitions.TryGetValue(instanceId, out var p) ? p.State : null);
    }

    public Task<InstanceSnapshot?> LoadInstanceAsync(string instanceId, bool includeHistory, DateTimeOffset now, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(instanceId, out var p) || p.State is null)
                return Task.FromResult<InstanceSnapshot?>(null);
            var ready = p.Inbox
                .Where(m => m.Message.VisibleAt is null || m.Message.VisibleAt <= now)
                .OrderBy(m => m.Message.EnqueuedAt).ThenBy(m => m.Seq)
                .Select(m => m.Message).ToList();
            return Task.FromResult<InstanceSnapshot?>(new InstanceSnapshot(p.State, p.ETag,
                includeHistory ? p.History.ToList() : null, ready, p.Outbox.ToList()));
        }
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<HistoryEvent>>(_partitions.TryGetValue(instanceId, out var p) ? p.History.ToList() : []);
    }

    public Task<CommitResult> CommitEpisodeAsync(EpisodeCommit commit, string expectedETag, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(commit.InstanceId, out var p) || p.State is null || p.ETag != expectedETag)
                return Task.FromResult(CommitResult.Conflict);
            var newExecution = p.State.ExecutionId != commit.NewState.ExecutionId;
            var baseLength = newExecution ? 0 : p.State.HistoryLength;
            if (baseLength + commit.NewHistory.Count != commit.NewState.HistoryLength)
                throw new InvalidOperationException(
                    $"Commit of '{commit.InstanceId}' claims history length {commit.NewState.HistoryLength} but has {baseLength} + {commit.NewHistory.Count} events.");
            if (newExecution)
                p.History = [];
            p.History.AddRange(commit.NewHistory);
            var consumed = commit.ConsumedMessageIds.ToHashSet(StringComparer.Ordinal);
            p.Inbox.RemoveAll(m => consumed.Contains(m.Message.Id));
            foreach (var m in commit.NewInboxMessages)
                AddInbox(p, m);
            foreach (var o in commit.NewOutbox)
                if (!p.Outbox.Exists(x => x.Id == o.Id))
                    p.Outbox.Add(o);
            p.State = commit.NewState;
            p.ETag = NewETag();
            return Task.FromResult(new CommitResult(true, p.ETag));
        }
    }

    public Task DeliverMessagesAsync(string instanceId, IReadOnlyList<OrchestrationMessage> messages, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(instanceId, out var p))
                _partitions[instanceId] = p = new Partition();
            foreach (var m in messages)
                AddInbox(p, m);
        }
        return Task.CompletedTask;
    }

    public Task DeleteOutboxAsync(string instanceId, IReadOnlyList<string> outboxIds, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_partitions.TryGetValue(instanceId, out var p))
            {
                var ids = outboxIds.ToHashSet(StringComparer.Ordinal);
                p.Outbox.RemoveAll(o => ids.Contains(o.Id));
            }
        }
        return Task.CompletedTask;
    }

    public Task<InstanceQueryPage> QueryInstancesAsync(InstanceQuery query, CancellationToken ct)
    {
        lock (_lock)
        {
            var pageSize = Math.Max(1, query.PageSize);
            var matches = _partitions.Values
                .Select(p => p.State).OfType<InstanceState>()
                .Where(s => query.ContinuationToken is null || string.CompareOrdinal(s.InstanceId, query.ContinuationToken) > 0)
                .Where(s => Matches(s, query))
                .OrderBy(s => s.InstanceId, StringComparer.Ordinal)
                .Take(pageSize + 1)
                .ToList();
            var more = matches.Count > pageSize;
            var page = matches.Take(pageSize)
                .Select(s => query.IncludePayloads ? s : s with { Input = null, Output = null, CustomStatus = null })
                .ToList();
            return Task.FromResult(new InstanceQueryPage(page, more ? page[^1].InstanceId : null));
        }
    }

    private static bool Matches(InstanceState s, InstanceQuery q)
        => (q.Statuses is null || q.Statuses.Count == 0 || q.Statuses.Contains(s.Status))
           && (q.CreatedFrom is null || s.CreatedAt >= q.CreatedFrom)
           && (q.CreatedTo is null || s.CreatedAt < q.CreatedTo)
           && (q.Name is null || string.Equals(s.Name, q.Name, StringComparison.OrdinalIgnoreCase))
           && (q.InstanceIdPrefix is null || s.InstanceId.StartsWith(q.InstanceIdPrefix, StringComparison.Ordinal))
           && (q.Tags is null || q.Tags.All(t => s.Tags is not null && s.Tags.TryGetValue(t.Key, out var v) && v == t.Value));

    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken ct)
    {
        lock (_lock)
        {
            var existed = _partitions.TryGetValue(instanceId, out var p) && p.State is not null;
            _partitions.Remove(instanceId);
            return Task.FromResult(existed);
        }
    }

    public Task<IReadOnlyList<string>> GetInstancesDueForWakeUpAsync(DateTimeOffset now, int maxCount, CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<string> due = _partitions.Values
                .Select(p => p.State).OfType<InstanceState>()
                .Where(s => !s.IsTerminal && s.NextWakeAt is { } at && at <= now)
                .OrderBy(s => s.NextWakeAt)
                .Take(maxCount)
                .Select(s => s.InstanceId).ToList();
            return Task.FromResult(due);
        }
    }

    public Task SendWakeUpAsync(string instanceId, DateTimeOffset? notBefore, CancellationToken ct)
    {
        lock (_lock)
        {
            var visibleAt = notBefore ?? time.GetUtcNow();
            // A waiting, unleased notice for the same instance that shows up no later already does the job.
            if (!_wakeUps.Exists(w => w.Value == instanceId && w.Receipt is null && w.VisibleAt <= visibleAt))
                _wakeUps.Add(new QueueItem<string>(instanceId, visibleAt));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WakeUpNotice>> ReceiveWakeUpsAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<WakeUpNotice> result = Receive(_wakeUps, maxCount, visibilityTimeout)
                .Select(w => new WakeUpNotice(w.Value, w.Receipt!, w.DequeueCount)).ToList();
            return Task.FromResult(result);
        }
    }

    public Task CompleteWakeUpAsync(WakeUpNotice notice, CancellationToken ct)
    {
        lock (_lock)
            _wakeUps.RemoveAll(w => w.Receipt == notice.Receipt);
        return Task.CompletedTask;
    }

    public Task EnqueueActivitiesAsync(IReadOnlyList<ActivityWorkItem> items, CancellationToken ct)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            foreach (var item in items)
                _activities.Add(new QueueItem<ActivityWorkItem>(item, now));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ActivityLease>> ReceiveActivitiesAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<ActivityLease> result = Receive(_activities, maxCount, visibilityTimeout)
                .Select(a => new ActivityLease(a.Value, a.Receipt!, a.DequeueCount)).ToList();
            return Task.FromResult(result);
        }
    }

    public Task<ActivityLease> RenewActivityLeaseAsync(ActivityLease lease, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        lock (_lock)
        {
            var item = _activities.Find(a => a.Receipt == lease.Receipt)
                ?? throw new InvalidOperationException($"The lease of activity work item '{lease.WorkItem.Id}' was lost.");
            item.VisibleAt = time.GetUtcNow() + visibilityTimeout;
            item.Receipt = Guid.NewGuid().ToString("N");
            return Task.FromResult(lease with { Receipt = item.Receipt });
        }
    }

    public Task CompleteActivityAsync(ActivityLease lease, CancellationToken ct)
    {
        lock (_lock)
            _activities.RemoveAll(a => a.Receipt == lease.Receipt);
        return Task.CompletedTask;
    }

    private List<QueueItem<T>> Receive<T>(List<QueueItem<T>> queue, int maxCount, TimeSpan visibilityTimeout)
    {
        var now = time.GetUtcNow();
        var received = queue.Where(q => q.VisibleAt <= now).OrderBy(q => q.VisibleAt).Take(maxCount).ToList();
        foreach (var q in received)
        {
            q.VisibleAt = now + visibilityTimeout;
            q.DequeueCount++;
            q.Receipt = Guid.NewGuid().ToString("N");
        }
        return received;
    }

    // ---------------------------------------------------------------- test support (not part of the contract)

    /// <summary>Earliest future moment at which something becomes due (queue item, timer, wake time), or null.</summary>
    internal DateTimeOffset? GetNextDueTime(DateTimeOffset now)
    {
        lock (_lock)
        {
            var times = _wakeUps.Select(w => w.VisibleAt)
                .Concat(_activities.Select(a => a.VisibleAt))
                .Concat(_partitions.Values.Select(p => p.State).OfType<InstanceState>()
                    .Where(s => !s.IsTerminal && s.NextWakeAt is not null).Select(s => s.NextWakeAt!.Value))
                .Where(t => t > now)
                .ToList();
            return times.Count == 0 ? null : times.Min();
        }
    }

    /// <summary>Counts of queued items (visible or not) for diagnostics and tests.</summary>
    internal (int WakeUps, int Activities) QueueLengths()
    {
        lock (_lock)
            return (_wakeUps.Count, _activities.Count);
    }
}
