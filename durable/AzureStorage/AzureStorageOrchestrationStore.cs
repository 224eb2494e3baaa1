using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// <see cref="IOrchestrationStore"/> on Azure Storage: the "{hub}Instances" table (one partition per instance,
/// layout in <see cref="InstanceRows"/>), the "{hub}Index" table (<see cref="InstanceIndex"/>), the wake-up and
/// activity queues and the payload container. Every change of an instance is one conditional commit on its state
/// row's ETag (<see cref="PartitionTransactionWriter"/>); everything else is idempotent.
/// </summary>
internal sealed partial class AzureStorageOrchestrationStore : IOrchestrationStore, IAsyncDisposable, IDisposable
{
    private readonly TaskHubResources _hub;
    private readonly AzureStorageStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PayloadBlobs _blobs;
    private readonly PartitionTransactionWriter _writer;
    private readonly InstanceIndex _index;

    /// <summary>Instances this process works on (see <see cref="HotInstance"/>).</summary>
    private readonly ConcurrentDictionary<string, HotInstance> _hot = new(StringComparer.Ordinal);

    /// <summary>Hot instances holding unwritten episodes (write-behind), flushed by <see cref="_flushTimer"/> when due.</summary>
    private readonly ConcurrentDictionary<string, HotInstance> _unwritten = new(StringComparer.Ordinal);
    private readonly Lock _flushTimerLock = new();
    private ITimer? _flushTimer;
    private int _flushing;
    private long _tokens;

    public AzureStorageOrchestrationStore(AzureStorageStoreOptions options, TimeProvider? time = null, ILogger? logger = null,
        StorageOperationCounter? counter = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _hub = new TaskHubResources(options.ConnectionString, options.TaskHubName, counter);
        _blobs = new PayloadBlobs(_hub.Payloads);
        _writer = new PartitionTransactionWriter(_hub.Instances);
        _index = new InstanceIndex(_hub.Index, _hub.Instances, _blobs, options, _logger, _time);
    }

    internal TaskHubResources Hub => _hub;
    internal StorageOperationCounter Counter => _hub.Counter;
    internal StoreFaults Faults { get; } = new();
    internal InstanceIndex Index => _index;

    /// <summary>Creates the tables, queues and container of the hub if missing.</summary>
    public Task EnsureCreatedAsync(CancellationToken ct = default) => _hub.EnsureCreatedAsync(ct);

    /// <summary>Runs while some instance holds unwritten episodes; stops when none does.</summary>
    private void EnsureFlushTimer()
    {
        lock (_flushTimerLock)
        {
            if (_flushTimer is not null) return;
            var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(20).Ticks, _options.WriteBehindWindow.Ticks / 4));
            _flushTimer = TimeProvider.System.CreateTimer(_ => _ = FlushDueAsync(), null, period, period);
        }
    }

    /// <summary>Writes the unwritten episodes older than the write-behind window (those whose next episode is slow to come).</summary>
    private async Task FlushDueAsync()
    {
        if (Interlocked.Exchange(ref _flushing, 1) == 1) return;
        try
        {
            foreach (var (id, hot) in _unwritten)
            {
                UnwrittenEpisodes? set;
                lock (hot.Gate) set = hot.Unwritten;
                if (set is null)
                {
                    _unwritten.TryRemove(new KeyValuePair<string, HotInstance>(id, hot));
                    continue;
                }
                if (set.Age < _options.WriteBehindWindow || !await hot.CommitLock.WaitAsync(0).ConfigureAwait(false)) continue;
                try
                {
                    await FlushLockedAsync(hot, id, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _logger.LogWarning(e, "Writing the episodes of {InstanceId} held in memory failed; retrying.", id);
                }
                finally
                {
                    hot.CommitLock.Release();
                }
            }
        }
        finally
        {
            lock (_flushTimerLock)
            {
                if (_unwritten.IsEmpty)
                {
                    _flushTimer?.Dispose();
                    _flushTimer = null;
                }
            }
            Volatile.Write(ref _flushing, 0);
        }
    }

    /// <summary>
    /// Writes every instance's unwritten episodes now (a process stopping gracefully keeps its progress). Failures
    /// are logged: what stays unwritten is redone by replay after the instance is woken again.
    /// </summary>
    public async Task FlushAllAsync(CancellationToken ct = default)
    {
        foreach (var (id, hot) in _unwritten)
        {
            try
            {
                await FlushAsync(hot, id, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Writing the episodes of {InstanceId} held in memory failed at shutdown; replay will redo them.", id);
            }
        }
    }

    /// <summary>Called by the DI container when the host stops: writes what is held in memory (at most 10 s).</summary>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await FlushAllAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_flushTimerLock)
        {
            _flushTimer?.Dispose();
            _flushTimer = null;
        }
    }

    /// <summary>Synchronous disposal (a host disposed without await): the same as <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private HotInstance Hot(string instanceId)
    {
        if (_hot.TryGetValue(instanceId, out var hot))
        {
            hot.LastUsedTicks = Environment.TickCount64;
            return hot;
        }
        if (_hot.Count >= _options.MaxHotInstances) EvictClean();
        return _hot.GetOrAdd(instanceId, static _ => new HotInstance());
    }

    /// <summary>Drops the least recently used entries that hold nothing only-in-memory.</summary>
    private void EvictClean()
    {
        var victims = _hot.Where(p => p.Value.IsClean).OrderBy(p => p.Value.LastUsedTicks)
            .Take(Math.Max(1, _options.MaxHotInstances / 10)).Select(p => p.Key).ToList();
        foreach (var id in victims)
        {
            if (_hot.TryGetValue(id, out var hot))
            {
                lock (hot.Gate)
                {
                    if (hot.IsClean) _hot.TryRemove(id, out _);
                }
            }
        }
    }

    // ---------------------------------------------------------------- instances

    public async Task<CreateInstanceResult> CreateInstanceAsync(InstanceState state, OrchestrationMessage startMessage, CancellationToken ct)
    {
        CheckPayload("orchestration input", state.Input);
        CheckPayload("start message", startMessage.Event.Input);

        // Index first (write-ahead): a crash after it leaves an index row that the sweep re-checks against the
        // state row and repairs; a crash after the state row without an index row would leave an instance the
        // sweep cannot see (a scheduled start whose wake-up was lost would never run).
        await _index.WriteAheadAsync(state, ct).ConfigureAwait(false);

        while (true)
        {
            // Optimistic insert: the common case (a new id) costs one transaction.
            var stateRow = await InstanceRows.ToStateRowAsync(state, gen: 1, _blobs, ct).ConfigureAwait(false);
            var startRow = await InstanceRows.ToInboxRowAsync(startMessage, gen: 1, _blobs, ct).ConfigureAwait(false);
            // The marker insert fails (and is skipped) when events were delivered to the id before it existed.
            var sentAhead = false;
            var etag = await _writer.CommitAsync(stateRow, expectedETag: null,
                [
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, startRow),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(state.InstanceId, InstanceRows.AheadKey)),
                ], [], ct, skipped: a => sentAhead |= a.Entity.RowKey == InstanceRows.AheadKey).ConfigureAwait(false);
            if (etag is not null)
            {
                RememberCreated(state, startMessage, etag, gen: 1, mustRead: sentAhead);
                await _index.AfterCommitAsync(state, previous: null, ct).ConfigureAwait(false);
                return new CreateInstanceResult(true, null);
            }

            // The id exists.
            var existing = await ReadStateRowAsync(state.InstanceId, ct).ConfigureAwait(false);
            if (existing is null) continue; // purged meanwhile: try the insert again
            var existingState = await InstanceRows.FromStateRowAsync(existing, _blobs, includePayloads: true, ct).ConfigureAwait(false);
            if (existingState.StartMessageId == startMessage.Id || !existingState.IsTerminal)
            {
                await _index.RepairAsync(existingState, ct).ConfigureAwait(false);
                return new CreateInstanceResult(false, existingState);
            }

            // Terminal: replace it. The old execution's inbox and outbox rows go in the same conditional commit
            // (history rows need not: they carry the old execution id and are overwritten position by position).
            var gen = InstanceRows.StateGen(existing) + 1;
            var rows = new List<TableTransactionAction>();
            await foreach (var row in _hub.Instances.QueryAsync<TableEntity>(
                               $"PartitionKey eq '{Escape(state.InstanceId)}' and RowKey ge 'i-' and RowKey lt 'p'",
                               select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey != startRow.RowKey)
                    rows.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            }
            stateRow = await InstanceRows.ToStateRowAsync(state, gen, _blobs, ct).ConfigureAwait(false);
            startRow[InstanceRows.Gen] = gen;
            rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, startRow));
            etag = await _writer.CommitAsync(stateRow, existing.ETag.ToString(), rows, [], ct).ConfigureAwait(false);
            if (etag is null) continue; // someone else changed it: look again
            RememberCreated(state, startMessage, etag, gen, mustRead: false);
            await _index.AfterCommitAsync(state, previous: null, ct).ConfigureAwait(false);
            return new CreateInstanceResult(true, null);
        }
    }

    private void RememberCreated(InstanceState state, OrchestrationMessage start, string etag, long gen, bool mustRead)
    {
        var hot = Hot(state.InstanceId);
        lock (hot.Gate)
        {
            hot.ETag = etag;
            hot.StoredETag = etag;
            hot.Unwritten = null;
            hot.Gen = gen;
            hot.State = state;
            hot.OrphanKeys = [];
            hot.KnownInbox.Clear();
            hot.KnownInbox[start.Id] = start;
            hot.Outbox.Clear();
            // Events sent ahead of the start wait in the partition: read it once before the first episode.
            hot.Dirty = mustRead;
            hot.CreatedHere = true;
        }
    }

    public async Task<InstanceState?> GetInstanceAsync(string instanceId, CancellationToken ct)
    {
        if (_hot.TryGetValue(instanceId, out var hot))
        {
            lock (hot.Gate)
            {
                if (hot.Unwritten is not null) return hot.State; // this process is ahead of storage
            }
        }
        var row = await ReadStateRowAsync(instanceId, ct).ConfigureAwait(false);
        return row is null ? null : await InstanceRows.FromStateRowAsync(row, _blobs, includePayloads: true, ct).ConfigureAwait(false);
    }

    public async Task<InstanceSnapshot?> LoadInstanceAsync(string instanceId, bool includeHistory, DateTimeOffset now, CancellationToken ct)
    {
        var hot = Hot(instanceId);
        bool unwritten;
        lock (hot.Gate)
        {
            // From memory when this process's knowledge is complete (see HotInstance); a fresh instance has no history.
            if (hot is { Dirty: false, ETag: not null, State: not null } && (!includeHistory || hot.State.HistoryLength == 0))
            {
                var ready = hot.KnownInbox.Values.Where(m => m.VisibleAt is not { } v || v <= now)
                    .Concat(hot.LocalInbox)
                    .OrderBy(m => m.EnqueuedAt)
                    .ToList();
                var outbox = hot.Outbox.Values.Where(o => !hot.DeferredOutbox.ContainsValue(o.Id)).ToList();
                return new InstanceSnapshot(hot.State, hot.ETag, includeHistory ? [] : null, ready, outbox);
            }
            unwritten = hot.Unwritten is not null;
            if (!unwritten) hot.Dirty = false; // a notice arriving from now on marks it again
        }
        if (unwritten)
        {
            // Storage must hold everything this process knows before it is read again.
            await FlushAsync(hot, instanceId, ct).ConfigureAwait(false);
            lock (hot.Gate) hot.Dirty = false;
        }
        try
        {
            return await ReadInstanceAsync(instanceId, hot, includeHistory, now, ct).ConfigureAwait(false);
        }
        catch
        {
            lock (hot.Gate) hot.Dirty = true; // the read did not happen: it is still owed
            throw;
        }
    }

    /// <summary>Reads the partition (one query) and refreshes this process's knowledge of the instance.</summary>
    private async Task<InstanceSnapshot?> ReadInstanceAsync(string instanceId, HotInstance hot, bool includeHistory, DateTimeOffset now, CancellationToken ct)
    {
        // With history the whole partition, without it only rows from "i-" on (inbox, outbox, state: "h-" < "i-" < "o-" < "state").
        var filter = includeHistory
            ? $"PartitionKey eq '{Escape(instanceId)}'"
            : $"PartitionKey eq '{Escape(instanceId)}' and RowKey ge 'i-'";
        TableEntity? stateRow = null;
        var history = new List<TableEntity>();
        var inbox = new List<TableEntity>();
        var outbox = new List<TableEntity>();
        await foreach (var row in _hub.Instances.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            var key = row.RowKey;
            if (key == InstanceRows.StateKey) stateRow = row;
            else if (key.StartsWith(InstanceRows.HistoryPrefix, StringComparison.Ordinal)) history.Add(row);
            else if (key.StartsWith(InstanceRows.InboxPrefix, StringComparison.Ordinal)) inbox.Add(row);
            else if (key.StartsWith(InstanceRows.OutboxPrefix, StringComparison.Ordinal)) outbox.Add(row);
        }
        if (stateRow is null)
        {
            lock (hot.Gate)
            {
                hot.ETag = null;
                hot.StoredETag = null;
                hot.Dirty = true;
            }
            return null;
        }

        var state = await InstanceRows.FromStateRowAsync(stateRow, _blobs, includePayloads: true, ct).ConfigureAwait(false);
        var gen = InstanceRows.StateGen(stateRow);
        var orphans = new List<string>();
        bool Committed(TableEntity row)
        {
            if (InstanceRows.GenOf(row) is { } g && g > gen)
            {
                orphans.Add(row.RowKey); // written by a commit that never made its final write
                return false;
            }
            return true;
        }

        var known = new List<(OrchestrationMessage Message, DateTimeOffset? Arrived)>();
        foreach (var row in inbox)
        {
            if (Committed(row)) known.Add((await InstanceRows.FromInboxRowAsync(row, _blobs, ct).ConfigureAwait(false), row.Timestamp));
        }
        var outboxEntries = new List<OutboxEntry>();
        foreach (var row in outbox)
        {
            if (Committed(row)) outboxEntries.Add(await InstanceRows.FromOutboxRowAsync(row, _blobs, ct).ConfigureAwait(false));
        }
        IReadOnlyList<HistoryEvent>? events = null;
        if (includeHistory) events = await ReadHistoryAsync(state, history, ct).ConfigureAwait(false);
        var etag = stateRow.ETag.ToString();

        lock (hot.Gate)
        {
            if (hot.Unwritten is not null)
                throw new InvalidOperationException($"Instance '{instanceId}' was read while episodes held in memory were not written.");
            // The engine keeps its version token while the stored row is the one this process wrote or read last.
            hot.ETag = hot.ETag is not null && hot.StoredETag == etag ? hot.ETag : etag;
            etag = hot.ETag;
            hot.StoredETag = stateRow.ETag.ToString();
            hot.Gen = gen;
            hot.State = state;
            hot.OrphanKeys = orphans;
            hot.KnownInbox.Clear();
            foreach (var (m, _) in known) hot.KnownInbox[m.Id] = m;
            hot.Outbox.Clear();
            foreach (var o in outboxEntries) hot.Outbox[o.Id] = o;
            // Ready: stored rows that are due, in arrival order, then results held in memory that storage does not have.
            var ready = known
                .Where(k => k.Message.VisibleAt is not { } v || v <= now)
                .OrderBy(k => k.Message.EnqueuedAt).ThenBy(k => k.Arrived ?? DateTimeOffset.MaxValue)
                .Select(k => k.Message)
                .ToList();
            var stored = ready.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            ready.AddRange(hot.LocalInbox.Where(m => !stored.Contains(m.Id)));
            // Activity rows already running here are not handed out again (they would run twice in this process).
            var pendingOutbox = outboxEntries.Where(o => !hot.DeferredOutbox.ContainsValue(o.Id)).ToList();
            return new InstanceSnapshot(state, etag, events, ready, pendingOutbox);
        }
    }


    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct)
    {
        TableEntity? stateRow = null;
        var history = new List<TableEntity>();
        await foreach (var row in _hub.Instances.QueryAsync<TableEntity>(
                           $"PartitionKey eq '{Escape(instanceId)}' and (RowKey eq 'state' or (RowKey ge 'h-' and RowKey lt 'h.'))",
                           cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey == InstanceRows.StateKey) stateRow = row;
            else history.Add(row);
        }
        if (stateRow is null) return [];
        var state = await InstanceRows.FromStateRowAsync(stateRow, _blobs, includePayloads: false, ct).ConfigureAwait(false);
        return await ReadHistoryAsync(state, history, ct).ConfigureAwait(false);
    }

    /// <summary>The committed history: the chain of chunk rows of the current execution from position 0 to HistoryLength.</summary>
    private async Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(InstanceState state, List<TableEntity> rows, CancellationToken ct)
    {
        var byKey = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.GetString(InstanceRows.ExecutionId) == state.ExecutionId) byKey[row.RowKey] = row;
        }
        var events = new List<HistoryEvent>(state.HistoryLength);
        while (events.Count < state.HistoryLength)
        {
            var chunk = byKey.TryGetValue(InstanceRows.HistoryKey(events.Count), out var row)
                ? await InstanceRows.FromHistoryRowAsync(row, _blobs, ct).ConfigureAwait(false)
                : null;
            if (chunk is null || chunk.Count == 0 || events.Count + chunk.Count > state.HistoryLength)
                throw new InvalidDataException(
                    $"Instance '{state.InstanceId}' records {state.HistoryLength} history events for execution {state.ExecutionId} " +
                    $"but the history rows in table '{_hub.Instances.Name}' break off at position {events.Count}. The partition was changed outside the engine.");
            events.AddRange(chunk);
        }
        return events;
    }

    public async Task<CommitResult> CommitEpisodeAsync(EpisodeCommit commit, string expectedETag, CancellationToken ct)
    {
        var id = commit.InstanceId;
        CheckPayload("orchestration output", commit.NewState.Output);
        CheckPayload("custom status", commit.NewState.CustomStatus);

        Faults.At(StoreFaults.BeforeCommit, id);
        var hot = Hot(id);
        CommitResult result;
        await hot.CommitLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            result = await CommitLockedAsync(hot, commit, expectedETag, ct).ConfigureAwait(false);
        }
        catch
        {
            // Whatever was merged for this commit must not be written later with a different episode: start over
            // from storage (episodes held only in memory are redone by replay).
            Forget(hot, id);
            throw;
        }
        finally
        {
            hot.CommitLock.Release();
        }
        if (result.Succeeded) Faults.At(StoreFaults.AfterCommitBeforeDispatch, id);
        return result;
    }

    private async Task<CommitResult> CommitLockedAsync(HotInstance hot, EpisodeCommit commit, string expectedETag, CancellationToken ct)
    {
        var id = commit.InstanceId;
        bool known;
        lock (hot.Gate) known = hot.ETag == expectedETag;
        if (!known)
        {
            // Not from our own load or commit: write what this process holds, then learn the generation and
            // orphans (one query without history).
            await FlushLockedAsync(hot, id, ct).ConfigureAwait(false);
            var snapshot = await ReadInstanceAsync(id, hot, includeHistory: false, _time.GetUtcNow(), ct).ConfigureAwait(false);
            if (snapshot is null || snapshot.ETag != expectedETag) return CommitResult.Conflict;
        }

        var next = commit.NewState;
        UnwrittenEpisodes? set;
        lock (hot.Gate) set = hot.Unwritten;
        if (set is not null && next.ExecutionId != set.State.ExecutionId)
        {
            // A new execution's rows are not merged with the old one's: write the old one's first.
            if (!await FlushLockedAsync(hot, id, ct).ConfigureAwait(false)) return CommitResult.Conflict;
            set = null;
        }

        HashSet<string> localIds;
        var outboxDone = new List<string>();
        var remainingDeferred = 0;
        lock (hot.Gate)
        {
            localIds = hot.LocalInbox.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            // Activity rows kept as the durable record of locally run activities go with the commit that records
            // their result (or ends the instance).
            foreach (var (resultId, outboxId) in hot.DeferredOutbox)
            {
                if (next.IsTerminal || commit.ConsumedMessageIds.Contains(resultId)) outboxDone.Add(outboxId);
                else remainingDeferred++;
            }
        }
        // Activities of this commit will probably run in the local channel (dispatch happens after the commit).
        var goingLocal = _options.LocalDispatch && commit.NewOutbox.Any(o => o.Activity is not null);
        var localWorkOut = (remainingDeferred > 0 || goingLocal) && !next.IsTerminal;
        var now = _time.GetUtcNow();
        if (localWorkOut)
        {
            // Local activities are still out: if this process dies, the sweep must find the instance and re-send them.
            var recheck = now + _options.LocalActivityRecheck;
            if (next.NextWakeAt is not { } wake || wake > recheck) next = next with { NextWakeAt = recheck };
        }

        lock (hot.Gate) set ??= new UnwrittenEpisodes(hot.State!, hot.StoredETag!, hot.Gen, hot.OrphanKeys);
        set.Merge(commit, next, localIds, outboxDone);
        lock (hot.Gate) hot.Unwritten = set;

        if (!CanDefer(set, commit, localWorkOut, now))
        {
            if (!await FlushLockedAsync(hot, id, ct).ConfigureAwait(false)) return CommitResult.Conflict;
        }
        else
        {
            lock (_flushTimerLock) _unwritten[id] = hot;
            EnsureFlushTimer();
        }

        lock (hot.Gate)
        {
            // The engine's version of the instance: the stored ETag when written, else a token of this process.
            hot.ETag = hot.Unwritten is null ? hot.StoredETag : "~" + Interlocked.Increment(ref _tokens).ToString(System.Globalization.CultureInfo.InvariantCulture);
            hot.State = next;
            foreach (var consumed in commit.ConsumedMessageIds)
            {
                hot.KnownInbox.Remove(consumed);
                hot.DeferredOutbox.Remove(consumed);
            }
            hot.LocalInbox.RemoveAll(m => commit.ConsumedMessageIds.Contains(m.Id));
            foreach (var m in commit.NewInboxMessages) hot.KnownInbox[m.Id] = m;
            foreach (var o in outboxDone) hot.Outbox.Remove(o);
            if (next.IsTerminal) hot.DeferredOutbox.Clear();
            foreach (var o in commit.NewOutbox) hot.Outbox[o.Id] = o;
            return new CommitResult(true, hot.ETag);
        }
    }

    /// <summary>Write-behind applies: every effect of the episodes so far stays in this process, and not for long.</summary>
    private bool CanDefer(UnwrittenEpisodes set, EpisodeCommit commit, bool localWorkOut, DateTimeOffset now)
    {
        var window = _options.WriteBehindWindow;
        return window > TimeSpan.Zero
            && localWorkOut // another episode follows when the local activities return
            && set.State.Status == OrchestrationRuntimeStatus.Running
            && set.State.ExecutionId == set.Stored.ExecutionId
            && commit.NewInboxMessages.Count == 0 && set.Inbox.Count == 0
            && commit.NewOutbox.All(o => o.Activity is not null)
            && set.Age < window
            && set.RowCount <= _options.WriteBehindMaxRows
            && SweepFindsSoon(set.Stored, now, window);
    }

    /// <summary>
    /// If this process dies holding unwritten episodes, the sweep must find the stored state soon (it then reads the
    /// messages those episodes consumed and re-sends their activities), but not during the window (another worker
    /// would redo the episodes while this one still writes them). Soon: the stored wake time is at most
    /// <see cref="AzureStorageStoreOptions.LocalActivityRecheck"/> ahead (a state written with local activities out),
    /// or the instance is a Pending one the sweep starts after <see cref="AzureStorageStoreOptions.IndexRecheckAfter"/>.
    /// A state waiting days for a timer does not qualify: a message consumed meanwhile would wait for the timer.
    /// </summary>
    private bool SweepFindsSoon(InstanceState stored, DateTimeOffset now, TimeSpan window)
    {
        var notBefore = now + window + window;
        return stored.NextWakeAt is { } due
            ? due > notBefore && due <= now + _options.LocalActivityRecheck
            : stored is { Status: OrchestrationRuntimeStatus.Pending, HistoryLength: 0 } && stored.CreatedAt + _options.IndexRecheckAfter > notBefore;
    }

    /// <summary>
    /// Writes the instance's unwritten episodes (if any) in one conditional commit on the stored ETag. False on a
    /// conflict: another process wrote the instance, the episodes are dropped and the next use reads storage.
    /// The caller holds <see cref="HotInstance.CommitLock"/>.
    /// </summary>
    private async Task<bool> FlushLockedAsync(HotInstance hot, string id, CancellationToken ct)
    {
        UnwrittenEpisodes? set;
        lock (hot.Gate) set = hot.Unwritten;
        if (set is null) return true;

        var next = set.State;
        var gen = set.StoredGen + 1;
        var rows = new List<TableTransactionAction>(set.RowCount + 4);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var firstSeq = next.HistoryLength - set.History.Count;
        foreach (var row in await InstanceRows.ToHistoryRowsAsync(id, next.ExecutionId, firstSeq, set.History, gen, _blobs, ct).ConfigureAwait(false))
        {
            rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            written.Add(row.RowKey);
        }
        foreach (var message in set.Inbox.Values)
        {
            var row = await InstanceRows.ToInboxRowAsync(message, gen, _blobs, ct).ConfigureAwait(false);
            if (written.Add(row.RowKey)) rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }
        foreach (var entry in set.Outbox.Values)
        {
            var row = await InstanceRows.ToOutboxRowAsync(id, entry, gen, _blobs, ct).ConfigureAwait(false);
            if (written.Add(row.RowKey)) rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }
        // Rows of a crashed commit at this generation would become visible with ours: remove what we do not overwrite.
        foreach (var key in set.OrphanKeys.Concat(set.DeletedOutbox.Select(InstanceRows.OutboxKey)))
        {
            if (written.Add(key))
                rows.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, key), ETag.All));
        }
        var after = new List<TableTransactionAction>(set.ConsumedInbox.Count);
        foreach (var key in set.ConsumedInbox.Select(InstanceRows.InboxKey))
        {
            if (written.Add(key))
                after.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, key), ETag.All));
        }

        var stateRow = await InstanceRows.ToStateRowAsync(next, gen, _blobs, ct).ConfigureAwait(false);
        var faults = Faults.BeforeFinalStateWrite;
        var etag = await _writer.CommitAsync(stateRow, set.StoredETag, rows, after, ct, () =>
        {
            Faults.At(StoreFaults.AfterHistoryWrite, id);
            faults?.Invoke(id);
        }).ConfigureAwait(false);
        if (etag is null)
        {
            Forget(hot, id);
            return false;
        }
        lock (hot.Gate)
        {
            hot.Unwritten = null;
            hot.StoredETag = etag;
            hot.Gen = gen;
            hot.OrphanKeys = [];
            _unwritten.TryRemove(id, out _);
        }

        Faults.AfterCommitBeforeIndex?.Invoke(id);
        await _index.AfterCommitAsync(next, previous: null, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Flushes the instance's unwritten episodes, if any (taking its commit lock).</summary>
    private async Task FlushAsync(HotInstance hot, string id, CancellationToken ct)
    {
        await hot.CommitLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await FlushLockedAsync(hot, id, ct).ConfigureAwait(false);
        }
        finally
        {
            hot.CommitLock.Release();
        }
    }

    /// <summary>Drops what this process knows of the instance (and any unwritten episodes): the next use reads storage.</summary>
    private void Forget(HotInstance hot, string id)
    {
        lock (hot.Gate)
        {
            hot.Unwritten = null;
            hot.ETag = null;
            hot.StoredETag = null;
            hot.Dirty = true;
            _unwritten.TryRemove(id, out _);
        }
    }

    public async Task DeliverMessagesAsync(string instanceId, IReadOnlyList<OrchestrationMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0) return;
        foreach (var m in messages) CheckPayload("message payload", m.Event.Input ?? m.Event.Result);
        if (messages.Any(m => m.Event.EventType is HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed))
            Faults.At(StoreFaults.AfterActivityBeforeResult, instanceId);

        // Results of activities this process ran from its local channel stay in memory: the activity's outbox row
        // is their durable record until an episode commits them.
        var durable = messages;
        var exists = false;
        if (_hot.TryGetValue(instanceId, out var hot))
        {
            lock (hot.Gate)
            {
                exists = hot.StoredETag is not null;
                var local = messages.Where(m => hot.DeferredOutbox.ContainsKey(m.Id)).ToList();
                foreach (var m in local)
                {
                    if (hot.LocalInbox.Any(l => l.Id == m.Id)) continue; // first copy wins
                    hot.LocalInbox.Add(m);
                    hot.PendingLocalSignals++;
                }
                durable = local.Count == 0 ? messages : messages.Where(m => !hot.DeferredOutbox.ContainsKey(m.Id)).ToList();
            }
        }
        if (durable.Count == 0) return;
        // Messages may arrive before the instance exists (an event sent to an id not started yet): unless this
        // process knows the instance exists, the marker tells its creation to read them.
        await WriteInboxAsync(instanceId, durable, withAheadMarker: !exists, ct).ConfigureAwait(false);
        if (hot is not null)
        {
            // A stored message this process's knowledge does not include: the next episode reads storage. Marked only
            // once the row is there, so that a read in between cannot clear the mark without seeing the message.
            lock (hot.Gate) hot.Dirty = true;
        }
    }

    /// <summary>Stores delivered messages (first copy wins), with the sent-ahead marker row when asked.</summary>
    private async Task WriteInboxAsync(string instanceId, IReadOnlyList<OrchestrationMessage> durable, bool withAheadMarker, CancellationToken ct)
    {
        var marker = withAheadMarker
            ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(instanceId, InstanceRows.AheadKey))
            : null;
        if (durable.Count == 1 && marker is null)
        {
            var row = await InstanceRows.ToInboxRowAsync(durable[0], gen: null, _blobs, ct).ConfigureAwait(false);
            try
            {
                await _hub.Instances.AddEntityAsync(row, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Already delivered: the first copy wins.
            }
            return;
        }
        var actions = new List<TableTransactionAction>(durable.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in durable)
        {
            if (!seen.Add(message.Id)) continue;
            var row = await InstanceRows.ToInboxRowAsync(message, gen: null, _blobs, ct).ConfigureAwait(false);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
        }
        foreach (var chunk in actions.Chunk(PartitionTransactionWriter.MaxActions - 1))
            await _writer.SubmitWithoutStateAsync(marker is null ? chunk.ToList() : [.. chunk, marker], ct).ConfigureAwait(false);
    }

    public async Task DeleteOutboxAsync(string instanceId, IReadOnlyList<string> outboxIds, CancellationToken ct)
    {
        if (outboxIds.Count == 0) return;
        Faults.At(StoreFaults.AfterDispatchBeforeOutboxDelete, instanceId);
        var ids = outboxIds;
        if (_hot.TryGetValue(instanceId, out var hot))
        {
            await hot.CommitLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                lock (hot.Gate)
                {
                    // Rows of locally dispatched activities stay until their result is committed.
                    ids = outboxIds.Where(o => !hot.DeferredOutbox.ContainsValue(o)).Distinct(StringComparer.Ordinal).ToList();
                    foreach (var o in ids) hot.Outbox.Remove(o);
                    // Rows of unwritten episodes were never stored: forgetting them is the delete.
                    if (hot.Unwritten is { } unwritten) ids = ids.Where(o => !unwritten.ForgetOutbox(o)).ToList();
                }
            }
            finally
            {
                hot.CommitLock.Release();
            }
        }
        if (ids.Count == 0) return;
        if (ids.Count == 1)
        {
            await DeleteRowAsync(instanceId, InstanceRows.OutboxKey(ids[0]), ct).ConfigureAwait(false);
            return;
        }
        var actions = ids.Distinct(StringComparer.Ordinal)
            .Select(o => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, InstanceRows.OutboxKey(o)), ETag.All))
            .ToList();
        foreach (var chunk in actions.Chunk(PartitionTransactionWriter.MaxActions))
            await _writer.SubmitWithoutStateAsync(chunk.ToList(), ct).ConfigureAwait(false);
    }


    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken ct)
    {
        var keys = new List<string>();
        var hadState = false;
        await foreach (var row in _hub.Instances.QueryAsync<TableEntity>($"PartitionKey eq '{Escape(instanceId)}'",
                           select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey == InstanceRows.StateKey) hadState = true;
            else keys.Add(row.RowKey);
        }
        // Everything else first, the state row last: an interrupted purge leaves an instance that still exists
        // and can be purged again, never a state row-less partition with stray inbox rows for a future instance.
        foreach (var chunk in keys.Chunk(PartitionTransactionWriter.MaxActions))
        {
            await _writer.SubmitWithoutStateAsync(chunk
                .Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, k), ETag.All))
                .ToList(), ct).ConfigureAwait(false);
        }
        await _blobs.DeleteInstanceAsync(instanceId, ct).ConfigureAwait(false);
        if (hadState) await DeleteRowAsync(instanceId, InstanceRows.StateKey, ct).ConfigureAwait(false);
        await _index.DeleteAsync(instanceId, ct).ConfigureAwait(false);
        _hot.TryRemove(instanceId, out _);
        _unwritten.TryRemove(instanceId, out _);
        return hadState;
    }

    public Task<InstanceQueryPage> QueryInstancesAsync(InstanceQuery query, CancellationToken ct) => _index.QueryAsync(query, ct);

    public async Task<IReadOnlyList<string>> GetInstancesDueForWakeUpAsync(DateTimeOffset now, int maxCount, CancellationToken ct)
    {
        var due = await _index.GetDueAsync(now, maxCount, ct).ConfigureAwait(false);
        // The sweep exists for what this process may not know (a row whose notice was lost): the wake-ups it
        // sends must make the receiver read storage.
        foreach (var id in due)
        {
            if (_hot.TryGetValue(id, out var hot))
            {
                lock (hot.Gate) hot.Dirty = true;
            }
        }
        return due;
    }

    // ---------------------------------------------------------------- helpers

    private async Task<TableEntity?> ReadStateRowAsync(string instanceId, CancellationToken ct)
    {
        var response = await _hub.Instances.GetEntityIfExistsAsync<TableEntity>(instanceId, InstanceRows.StateKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private async Task DeleteRowAsync(string instanceId, string rowKey, CancellationToken ct)
    {
        try
        {
            await _hub.Instances.DeleteEntityAsync(instanceId, rowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }

    private void CheckPayload(string what, string? payload)
    {
        if (payload is null) return;
        // UTF-8 never takes more than 3 bytes per UTF-16 char: count exactly only when it could matter.
        if ((long)payload.Length * 3 <= _options.MaxPayloadBytes) return;
        var bytes = PayloadBlobs.Utf8Length(payload);
        if (bytes > _options.MaxPayloadBytes) throw new PayloadTooLargeException(what, bytes, _options.MaxPayloadBytes);
    }

    /// <summary>OData string literal escaping (single quotes doubled).</summary>
    internal static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
