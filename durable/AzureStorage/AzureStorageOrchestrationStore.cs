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
internal sealed partial class AzureStorageOrchestrationStore : IOrchestrationStore
{
    private readonly TaskHubResources _hub;
    private readonly AzureStorageStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PayloadBlobs _blobs;
    private readonly PartitionTransactionWriter _writer;
    private readonly InstanceIndex _index;

    /// <summary>
    /// What this process knows about partitions at a given state-row ETag: the commit generation and orphan rows
    /// of crashed commits. Lets a commit on the ETag the engine loaded skip a re-read. A stale entry is harmless:
    /// it is used only when its ETag equals the commit's expected ETag.
    /// </summary>
    private readonly ConcurrentDictionary<string, PartitionMark> _marks = new(StringComparer.Ordinal);
    private const int MaxMarks = 100_000;

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

    /// <summary>Cheap reachability check of all three services (for health probes).</summary>
    public async Task CheckHealthAsync(CancellationToken ct)
    {
        await Task.WhenAll(
            _hub.Instances.QueryAsync<TableEntity>(filter: "PartitionKey eq ''", maxPerPage: 1, cancellationToken: ct).AsPages().GetAsyncEnumerator(ct).MoveNextAsync().AsTask(),
            _hub.WakeUps.GetPropertiesAsync(ct),
            _hub.Payloads.GetPropertiesAsync(cancellationToken: ct)).ConfigureAwait(false);
    }

    private sealed record PartitionMark(string ETag, long Gen, IReadOnlyList<string> OrphanKeys);

    private void Remember(string instanceId, PartitionMark mark)
    {
        if (_marks.Count > MaxMarks) _marks.Clear();
        _marks[instanceId] = mark;
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
            var etag = await _writer.CommitAsync(stateRow, expectedETag: null,
                [new TableTransactionAction(TableTransactionActionType.UpsertReplace, startRow)], [], ct).ConfigureAwait(false);
            if (etag is not null)
            {
                Remember(state.InstanceId, new PartitionMark(etag, 1, []));
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
            Remember(state.InstanceId, new PartitionMark(etag, gen, []));
            await _index.AfterCommitAsync(state, previous: null, ct).ConfigureAwait(false);
            return new CreateInstanceResult(true, null);
        }
    }

    public async Task<InstanceState?> GetInstanceAsync(string instanceId, CancellationToken ct)
    {
        var row = await ReadStateRowAsync(instanceId, ct).ConfigureAwait(false);
        return row is null ? null : await InstanceRows.FromStateRowAsync(row, _blobs, includePayloads: true, ct).ConfigureAwait(false);
    }

    public async Task<InstanceSnapshot?> LoadInstanceAsync(string instanceId, bool includeHistory, DateTimeOffset now, CancellationToken ct)
    {
        // One partition query: with history the whole partition, without it only rows from "i-" on (inbox,
        // outbox, state: "h-" < "i-" < "o-" < "state").
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
        if (stateRow is null) return null;

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

        var ready = new List<(OrchestrationMessage Message, DateTimeOffset? Arrived)>();
        foreach (var row in inbox)
        {
            if (!Committed(row)) continue;
            var visibleAt = row.GetDateTimeOffset(InstanceRows.VisibleAt);
            if (visibleAt is { } v && v > now) continue;
            ready.Add((await InstanceRows.FromInboxRowAsync(row, _blobs, ct).ConfigureAwait(false), row.Timestamp));
        }
        var readyInbox = ready
            .OrderBy(m => m.Message.EnqueuedAt)
            .ThenBy(m => m.Arrived ?? DateTimeOffset.MaxValue)
            .Select(m => m.Message)
            .ToList();

        var outboxEntries = new List<OutboxEntry>();
        foreach (var row in outbox)
        {
            if (Committed(row)) outboxEntries.Add(await InstanceRows.FromOutboxRowAsync(row, _blobs, ct).ConfigureAwait(false));
        }

        IReadOnlyList<HistoryEvent>? events = null;
        if (includeHistory) events = await ReadHistoryAsync(state, history, ct).ConfigureAwait(false);

        var etag = stateRow.ETag.ToString();
        Remember(instanceId, new PartitionMark(etag, gen, orphans));
        return new InstanceSnapshot(state, etag, events, readyInbox, outboxEntries);
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

    /// <summary>The committed history: positions below HistoryLength of the current execution, in order.</summary>
    private async Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(InstanceState state, List<TableEntity> rows, CancellationToken ct)
    {
        var events = new HistoryEvent[state.HistoryLength];
        var found = 0;
        foreach (var row in rows)
        {
            if (!InstanceRows.TryParseHistoryKey(row.RowKey, out var seq) || seq >= state.HistoryLength) continue;
            if (row.GetString(InstanceRows.ExecutionId) != state.ExecutionId) continue;
            events[seq] = await InstanceRows.FromHistoryRowAsync(row, _blobs, ct).ConfigureAwait(false);
            found++;
        }
        if (found != state.HistoryLength)
            throw new InvalidDataException(
                $"Instance '{state.InstanceId}' records {state.HistoryLength} history events for execution {state.ExecutionId} " +
                $"but {found} rows were found in table '{_hub.Instances.Name}'. The partition was changed outside the engine.");
        return events;
    }

    public async Task<CommitResult> CommitEpisodeAsync(EpisodeCommit commit, string expectedETag, CancellationToken ct)
    {
        var id = commit.InstanceId;
        var next = commit.NewState;
        CheckPayload("orchestration output", next.Output);
        CheckPayload("custom status", next.CustomStatus);

        if (!_marks.TryGetValue(id, out var mark) || mark.ETag != expectedETag)
        {
            // Not from our own load or commit: learn the generation and orphans (one query without history).
            var snapshot = await LoadInstanceAsync(id, includeHistory: false, _time.GetUtcNow(), ct).ConfigureAwait(false);
            if (snapshot is null || snapshot.ETag != expectedETag || !_marks.TryGetValue(id, out mark) || mark.ETag != expectedETag)
                return CommitResult.Conflict;
        }

        var gen = mark.Gen + 1;
        var rows = new List<TableTransactionAction>(commit.NewHistory.Count + commit.NewOutbox.Count + commit.NewInboxMessages.Count + 4);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var firstSeq = next.HistoryLength - commit.NewHistory.Count;
        for (var i = 0; i < commit.NewHistory.Count; i++)
        {
            var row = await InstanceRows.ToHistoryRowAsync(id, next.ExecutionId, firstSeq + i, commit.NewHistory[i], gen, _blobs, ct).ConfigureAwait(false);
            rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            written.Add(row.RowKey);
        }
        foreach (var message in commit.NewInboxMessages)
        {
            var row = await InstanceRows.ToInboxRowAsync(message, gen, _blobs, ct).ConfigureAwait(false);
            if (!written.Add(row.RowKey)) continue;
            rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }
        foreach (var entry in commit.NewOutbox)
        {
            var row = await InstanceRows.ToOutboxRowAsync(id, entry, gen, _blobs, ct).ConfigureAwait(false);
            if (!written.Add(row.RowKey)) continue;
            rows.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }
        // Rows of a crashed commit at this generation would become visible with ours: remove what we do not overwrite.
        foreach (var orphan in mark.OrphanKeys)
        {
            if (written.Add(orphan))
                rows.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, orphan), ETag.All));
        }
        var after = new List<TableTransactionAction>(commit.ConsumedMessageIds.Count);
        foreach (var messageId in commit.ConsumedMessageIds)
        {
            var key = InstanceRows.InboxKey(messageId);
            if (written.Add(key))
                after.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, key), ETag.All));
        }

        var stateRow = await InstanceRows.ToStateRowAsync(next, gen, _blobs, ct).ConfigureAwait(false);
        var faults = Faults.BeforeFinalStateWrite;
        var etag = await _writer.CommitAsync(stateRow, expectedETag, rows, after, ct,
            faults is null ? null : () => faults(id)).ConfigureAwait(false);
        if (etag is null)
        {
            _marks.TryRemove(id, out _);
            return CommitResult.Conflict;
        }
        Remember(id, new PartitionMark(etag, gen, []));

        Faults.AfterCommitBeforeIndex?.Invoke(id);
        await _index.AfterCommitAsync(next, previous: null, ct).ConfigureAwait(false);
        return new CommitResult(true, etag);
    }

    public async Task DeliverMessagesAsync(string instanceId, IReadOnlyList<OrchestrationMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0) return;
        foreach (var m in messages) CheckPayload("message payload", m.Event.Input ?? m.Event.Result);
        if (messages.Count == 1)
        {
            var row = await InstanceRows.ToInboxRowAsync(messages[0], gen: null, _blobs, ct).ConfigureAwait(false);
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
        var actions = new List<TableTransactionAction>(messages.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (!seen.Add(message.Id)) continue;
            var row = await InstanceRows.ToInboxRowAsync(message, gen: null, _blobs, ct).ConfigureAwait(false);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
        }
        foreach (var chunk in actions.Chunk(PartitionTransactionWriter.MaxActions))
            await _writer.SubmitWithoutStateAsync(chunk.ToList(), ct).ConfigureAwait(false);
    }

    public async Task DeleteOutboxAsync(string instanceId, IReadOnlyList<string> outboxIds, CancellationToken ct)
    {
        if (outboxIds.Count == 0) return;
        if (outboxIds.Count == 1)
        {
            await DeleteRowAsync(instanceId, InstanceRows.OutboxKey(outboxIds[0]), ct).ConfigureAwait(false);
            return;
        }
        var actions = outboxIds.Distinct(StringComparer.Ordinal)
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
        _marks.TryRemove(instanceId, out _);
        return hadState;
    }

    public Task<InstanceQueryPage> QueryInstancesAsync(InstanceQuery query, CancellationToken ct) => _index.QueryAsync(query, ct);

    public Task<IReadOnlyList<string>> GetInstancesDueForWakeUpAsync(DateTimeOffset now, int maxCount, CancellationToken ct) =>
        _index.GetDueAsync(now, maxCount, ct);

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
