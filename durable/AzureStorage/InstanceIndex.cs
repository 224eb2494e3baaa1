using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// The "{hub}Index" table: one row per instance, all in one partition (PartitionKey "i", RowKey = instance id),
/// for listing and queries across instances, which a partition-per-instance table cannot answer without a full
/// scan. One partition keeps query results ordered by instance id and lets <see cref="IndexWriter"/> write many
/// instances' rows in one transaction; its cost is the per-partition rate of the service (about 2,000 entities/s
/// on Azure Storage, i.e. several hundred orchestrations/s with three index writes each).
/// <para>
/// The index follows the state rows and may lag them: it is written after a commit, and only when something it
/// holds changed (status, execution, an earlier re-check time), so most episodes cost no index write. Each
/// non-terminal row has a re-check time (CheckAt): the sweep (<see cref="GetDueAsync"/>) reads the state row of
/// every row whose CheckAt passed, returns the instances that are really due, and repairs the rest. A lag left by
/// a crash is therefore repaired within <see cref="AzureStorageStoreOptions.IndexRecheckAfter"/>.
/// Status of one instance is never taken from here (see GetInstanceAsync).
/// </para>
/// </summary>
internal sealed class InstanceIndex(
    TableClient index, TableClient instances, PayloadBlobs blobs, AzureStorageStoreOptions options, ILogger logger,
    TimeProvider? time = null)
{
    internal const string Partition = "i";
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IndexWriter _writer = new(index, logger);

    /// <summary>What this process last wrote per instance, to skip index writes that would change nothing.</summary>
    private readonly ConcurrentDictionary<string, Mark> _marks = new(StringComparer.Ordinal);
    private const int MaxMarks = 100_000;

    private sealed record Mark(OrchestrationRuntimeStatus Status, string ExecutionId, DateTimeOffset? CheckAt);

    public TableClient Table => index;

    /// <summary>Index row before the state row is created (see CreateInstanceAsync for why).</summary>
    public Task WriteAheadAsync(InstanceState state, CancellationToken ct) =>
        WriteAsync(state, options.IndexRecheckAfter, ct);

    /// <summary>After a commit: writes the row if the index would otherwise say something else. Never throws.</summary>
    public async Task AfterCommitAsync(InstanceState state, InstanceState? previous, CancellationToken ct)
    {
        var checkAt = CheckAt(state, _time.GetUtcNow(), options.IndexRecheckAfter);
        if (_marks.TryGetValue(state.InstanceId, out var mark)
            && mark.Status == state.Status
            && mark.ExecutionId == state.ExecutionId
            && (checkAt is null ? mark.CheckAt is null : mark.CheckAt is { } m && m <= checkAt))
        {
            return;
        }
        // Not awaited: the commit stands whether or not this write succeeds (the sweep repairs a lagging row), and
        // waiting for the group commit would add its latency to every status change.
        var write = WriteAsync(state, options.IndexRecheckAfter, ct);
        _ = write.ContinueWith(t => _marks.TryRemove(state.InstanceId, out _),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Unconditional write from the authoritative state row.</summary>
    public Task RepairAsync(InstanceState state, CancellationToken ct) => WriteAsync(state, options.IndexRecheckAfter, ct);

    public async Task DeleteAsync(string instanceId, CancellationToken ct)
    {
        _marks.TryRemove(instanceId, out _);
        await _writer.DeleteAsync(Partition, instanceId).WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task WriteAsync(InstanceState state, TimeSpan recheck, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var checkAt = CheckAt(state, now, recheck);
        var row = new TableEntity(Partition, state.InstanceId)
        {
            ["Name"] = state.Name,
            ["Version"] = state.Version,
            ["Status"] = state.Status.ToString(),
            ["ExecutionId"] = state.ExecutionId,
            ["CreatedAt"] = state.CreatedAt.ToUniversalTime(),
            ["LastUpdatedAt"] = state.LastUpdatedAt.ToUniversalTime(),
            ["CheckEvery"] = (long)recheck.TotalSeconds,
        };
        if (state.CompletedAt is { } completed) row["CompletedAt"] = completed.ToUniversalTime();
        if (state.NextWakeAt is { } wake) row["NextWakeAt"] = wake.ToUniversalTime();
        if (checkAt is { } check) row["CheckAt"] = check.ToUniversalTime();
        if (state.ParentInstanceId is not null) row["ParentInstanceId"] = state.ParentInstanceId;
        if (state.Tags is { Count: > 0 }) row["Tags"] = InstanceRows.Serialize(state.Tags);
        if (state.FailureDetails is not null)
        {
            var failure = InstanceRows.Serialize(state.FailureDetails);
            if (failure.Length <= PayloadBlobs.MaxInlineTableChars) row["FailureDetails"] = failure;
        }
        if (_marks.Count > MaxMarks) _marks.Clear();
        _marks[state.InstanceId] = new Mark(state.Status, state.ExecutionId, checkAt);
        await _writer.UpsertAsync(row).WaitAsync(ct).ConfigureAwait(false);
    }

    private static DateTimeOffset? CheckAt(InstanceState state, DateTimeOffset now, TimeSpan recheck)
    {
        if (state.IsTerminal) return null;
        var check = now + recheck;
        return state.NextWakeAt is { } wake && wake < check ? wake : check;
    }

    // ---------------------------------------------------------------- sweep

    /// <summary>
    /// Instances whose state row says they are due at <paramref name="now"/>, found through index rows whose
    /// re-check time passed; index rows found out of date on the way are repaired.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetDueAsync(DateTimeOffset now, int maxCount, CancellationToken ct)
    {
        var candidates = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and CheckAt le {now.ToUniversalTime()}");
        await foreach (var page in index.QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(maxCount, 1, 1000),
                           select: ["RowKey", "CheckAt", "CheckEvery", "Status", "ExecutionId"], cancellationToken: ct)
                           .AsPages().ConfigureAwait(false))
        {
            candidates.AddRange(page.Values);
            if (candidates.Count >= maxCount) break;
        }

        var due = new ConcurrentBag<(string Id, DateTimeOffset CheckAt)>();
        await Parallel.ForEachAsync(candidates.Take(maxCount), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (row, token) =>
            {
                var id = row.RowKey;
                var stateRow = await instances.GetEntityIfExistsAsync<TableEntity>(id, InstanceRows.StateKey, cancellationToken: token).ConfigureAwait(false);
                if (!stateRow.HasValue)
                {
                    // Write-ahead row of a create that never happened, or a purge that stopped half-way.
                    await DeleteAsync(id, token).ConfigureAwait(false);
                    return;
                }
                var state = await InstanceRows.FromStateRowAsync(stateRow.Value!, blobs, includePayloads: false, token).ConfigureAwait(false);
                // Due: its wake time passed, or it is still Pending with no start time long after creation (the
                // creator died between creating it and sending its wake-up).
                var lostStart = state is { Status: OrchestrationRuntimeStatus.Pending, NextWakeAt: null, HistoryLength: 0 }
                    && state.CreatedAt + options.IndexRecheckAfter <= now;
                if (!state.IsTerminal && (state.NextWakeAt is { } wake && wake <= now || lostStart))
                {
                    due.Add((id, row.GetDateTimeOffset("CheckAt") ?? now));
                    if (row.GetString("Status") != state.Status.ToString() || row.GetString("ExecutionId") != state.ExecutionId)
                        await WriteAsync(state, options.IndexRecheckAfter, token).ConfigureAwait(false);
                    return;
                }
                // Not due: bring the row up to date and back off its next re-check.
                var every = TimeSpan.FromSeconds(row.GetInt64("CheckEvery") ?? (long)options.IndexRecheckAfter.TotalSeconds);
                var next = every * 2 > options.IndexRecheckMax ? options.IndexRecheckMax : every * 2;
                await WriteAsync(state, next, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return due.OrderBy(d => d.CheckAt).Select(d => d.Id).ToList();
    }

    // ---------------------------------------------------------------- queries

    public async Task<InstanceQueryPage> QueryAsync(InstanceQuery query, CancellationToken ct)
    {
        var filter = BuildFilter(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        await foreach (var page in index.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: ct)
                           .AsPages(query.ContinuationToken, pageSize).ConfigureAwait(false))
        {
            var rows = page.Values.Where(r => TagsMatch(r, query.Tags)).ToList();
            var results = new InstanceState[rows.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (i, token) => results[i] = await ToStateAsync(rows[i], query.IncludePayloads, token).ConfigureAwait(false)).ConfigureAwait(false);
            return new InstanceQueryPage(results, page.ContinuationToken);
        }
        return new InstanceQueryPage([], null);
    }

    private async Task<InstanceState> ToStateAsync(TableEntity row, bool includePayloads, CancellationToken ct)
    {
        if (includePayloads)
        {
            var stateRow = await instances.GetEntityIfExistsAsync<TableEntity>(row.RowKey, InstanceRows.StateKey, cancellationToken: ct).ConfigureAwait(false);
            if (stateRow.HasValue)
                return await InstanceRows.FromStateRowAsync(stateRow.Value!, blobs, includePayloads: true, ct).ConfigureAwait(false);
        }
        var tags = row.GetString("Tags");
        var failure = row.GetString("FailureDetails");
        return new InstanceState
        {
            InstanceId = row.RowKey,
            Name = row.GetString("Name") ?? "",
            Version = row.GetString("Version") ?? "",
            ExecutionId = row.GetString("ExecutionId") ?? "",
            Status = Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
            LastUpdatedAt = row.GetDateTimeOffset("LastUpdatedAt") ?? default,
            CompletedAt = row.GetDateTimeOffset("CompletedAt"),
            NextWakeAt = row.GetDateTimeOffset("NextWakeAt"),
            ParentInstanceId = row.GetString("ParentInstanceId"),
            Tags = tags is null ? null : InstanceRows.Deserialize<Dictionary<string, string>>(tags),
            FailureDetails = failure is null ? null : InstanceRows.Deserialize<TaskFailureDetails>(failure),
        };
    }

    internal static string? BuildFilter(InstanceQuery query)
    {
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {Partition}") };
        if (query.Statuses is { Count: > 0 } statuses)
            parts.Add("(" + string.Join(" or ", statuses.Distinct().Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")");
        if (query.CreatedFrom is { } from) parts.Add(TableClient.CreateQueryFilter($"CreatedAt ge {from.ToUniversalTime()}"));
        if (query.CreatedTo is { } to) parts.Add(TableClient.CreateQueryFilter($"CreatedAt lt {to.ToUniversalTime()}"));
        if (!string.IsNullOrEmpty(query.Name)) parts.Add(TableClient.CreateQueryFilter($"Name eq {query.Name}"));
        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
        {
            var prefix = query.InstanceIdPrefix;
            parts.Add(TableClient.CreateQueryFilter($"RowKey ge {prefix}"));
            if (PrefixUpperBound(prefix) is { } upper)
                parts.Add(TableClient.CreateQueryFilter($"RowKey lt {upper}"));
        }
        return string.Join(" and ", parts);
    }

    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/> (null: none).</summary>
    internal static string? PrefixUpperBound(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] == char.MaxValue) continue;
            chars[i]++;
            return new string(chars, 0, i + 1);
        }
        return null;
    }

    private static bool TagsMatch(TableEntity row, IReadOnlyDictionary<string, string>? wanted)
    {
        if (wanted is not { Count: > 0 }) return true;
        var json = row.GetString("Tags");
        if (json is null) return false;
        var tags = InstanceRows.Deserialize<Dictionary<string, string>>(json);
        return wanted.All(w => tags.TryGetValue(w.Key, out var v) && v == w.Value);
    }
}
