using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Writes a <see cref="ReadModelUpdate"/> to the read-model tables, idempotently: every row carries the version that wrote
/// it and a row whose stored version is higher (or equal, except in a rebuild) is left alone, so a repeated or replayed
/// publish never moves a row back. Order: department index, escalations, project row, then the project's details with the
/// <c>summary</c> row last; a summary at this version or later means the whole update was applied, and the write stops there.
/// </summary>
public sealed class ReadModelWriter(ReadModelTables tables)
{
    private const int MaxBatch = 100; // operations per entity-group transaction
    private const int MaxAttempts = 50;

    /// <summary>Applies the update; false when it (or a later one) was already applied.</summary>
    /// <param name="rebuild">Rewrite rows stored at the same version (a rebuild after a new column or a lost table).</param>
    public async Task<bool> WriteAsync(ReadModelUpdate u, bool rebuild = false, CancellationToken ct = default)
    {
        var details = await tables.DetailsAsync();
        var code = u.ProjectCode;
        long summaryVersion = -1;
        var itemVersions = new Dictionary<string, long>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {code} and ((RowKey ge {ReadModelKeys.ItemPrefix} and RowKey lt {ReadModelKeys.End(ReadModelKeys.ItemPrefix)}) or RowKey eq {ReadModelKeys.Summary})");
        await foreach (var e in details.QueryAsync<TableEntity>(filter, select: ["RowKey", "Version"], cancellationToken: ct))
        {
            var v = e.GetInt64("Version") ?? 0;
            if (e.RowKey == ReadModelKeys.Summary) summaryVersion = v;
            else itemVersions[e.RowKey] = v;
        }
        bool Stale(long stored) => rebuild ? stored > u.Version : stored >= u.Version;
        if (Stale(summaryVersion)) return false;

        var indexed = u.Items.Where(i => !itemVersions.TryGetValue(ReadModelKeys.Item(i.Slot), out var v) || !Stale(v)).ToList();
        await Task.WhenAll(indexed.GroupBy(i => i.Status.Item.DepartmentCode).Select(g => WriteDepartmentAsync(g.Key, code, u.Head.ProjectName, g.ToList(), u.Version, rebuild, ct)));
        await WriteEscalationsAsync(u, ct);
        if (u.ProjectRowChanged || rebuild) await WriteProjectRowAsync(u, rebuild, ct);

        var ops = new List<TableTransactionAction>();
        foreach (var i in indexed.Where(i => !i.IndexOnly))
            ops.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(code, ReadModelKeys.Item(i.Slot))
            {
                ["Version"] = u.Version, ["Order"] = i.Order, ["InstanceId"] = i.Status.InstanceId, ["Json"] = Json(i.Status),
            }));
        for (var n = 0; n < u.Timeline.Count; n++)
            ops.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(code, ReadModelKeys.Timeline(u.TimelineStart + n)) { ["Version"] = u.Version, ["Json"] = Json(u.Timeline[n]) }));
        foreach (var e in u.Escalations)
            ops.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(code, ReadModelKeys.Escalation(e.Sequence)) { ["Version"] = u.Version, ["Json"] = Json(e) }));
        ops.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(code, ReadModelKeys.Summary)
        {
            ["Version"] = u.Version, ["Json"] = Json(u.Head), ["RuntimeStatus"] = RuntimeStatus(u.Head.Phase),
        }));
        // The summary is the last operation of the last batch: it marks the update applied.
        foreach (var chunk in ops.Chunk(MaxBatch)) await details.SubmitTransactionAsync(chunk, ct);
        return true;
    }

    /// <summary>The runtime status the read model shows: Running until the project's last publish (completed or closed).</summary>
    /// <summary>MinOpenDueUtc of a project without a running deadline.</summary>
    public static readonly DateTimeOffset NoDueUtc = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static string RuntimeStatus(ProjectPhase phase) => phase is ProjectPhase.Completed or ProjectPhase.Closed ? "Completed" : "Running";

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, DomainJson.Stored);

    /// <summary>
    /// One department's partition (in its own table): item rows moved between due buckets and the per-day counters they affect, in one
    /// entity-group transaction guarded by ETags (Add fails if the row exists; Update/Delete fail if it changed), retried
    /// from a fresh read on a conflict. A change already applied (its row holds this version or later) adds nothing.
    /// </summary>
    private async Task WriteDepartmentAsync(string department, string projectCode, string projectName, List<ItemChange> changes, long version, bool rebuild, CancellationToken ct)
    {
        var table = await tables.DepartmentItemsAsync(department);
        for (var attempt = 1; ; attempt++)
        {
            var ops = new List<TableTransactionAction>();
            var delta = new Dictionary<string, int>();
            foreach (var c in changes)
            {
                var inst = c.Status.InstanceId;
                var newKey = c.DueKey is null ? null : ReadModelKeys.DepartmentItem(c.DueKey, projectCode, inst);
                var oldKey = c.PreviousDueKey is null ? null : ReadModelKeys.DepartmentItem(c.PreviousDueKey, projectCode, inst);
                if (newKey is not null)
                {
                    var existing = await GetAsync(table, department, newKey, ct);
                    var row = ItemRow(department, newKey, projectCode, projectName, c, version);
                    if (existing is null) { ops.Add(new(TableTransactionActionType.Add, row)); Add(delta, c.DueKey!, 1); }
                    else if ((existing.GetInt64("Version") ?? 0) < version || rebuild && (existing.GetInt64("Version") ?? 0) == version)
                    {
                        row.ETag = existing.ETag;
                        ops.Add(new(TableTransactionActionType.UpdateReplace, row, existing.ETag));
                    }
                }
                if (oldKey is not null && oldKey != newKey && await GetAsync(table, department, oldKey, ct) is { } old && (old.GetInt64("Version") ?? 0) < version)
                {
                    ops.Add(new(TableTransactionActionType.Delete, old, old.ETag));
                    Add(delta, c.PreviousDueKey!, -1);
                }
            }
            foreach (var (due, d) in delta.Where(x => x.Value != 0))
            {
                var key = ReadModelKeys.Counter(due);
                var counter = await GetAsync(table, department, key, ct);
                var count = (counter?.GetInt32("Count") ?? 0) + d;
                if (counter is null) ops.Add(new(TableTransactionActionType.Add, new TableEntity(department, key) { ["Count"] = Math.Max(count, 0) }));
                else if (count <= 0) ops.Add(new(TableTransactionActionType.Delete, counter, counter.ETag));
                else { counter["Count"] = count; ops.Add(new(TableTransactionActionType.UpdateReplace, counter, counter.ETag)); }
            }
            if (ops.Count == 0) return;
            try
            {
                // One transaction when it fits (always, for a project's publish); a rebuild of a large partition is chunked.
                foreach (var chunk in ops.Chunk(MaxBatch)) await table.SubmitTransactionAsync(chunk, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404 && attempt < MaxAttempts)
            {
                // Another writer changed a counter (or the same update ran twice at once): read again and recompute.
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), ct);
            }
        }
    }

    private static void Add(Dictionary<string, int> delta, string due, int d) => delta[due] = delta.GetValueOrDefault(due) + d;

    private static TableEntity ItemRow(string department, string rowKey, string projectCode, string projectName, ItemChange c, long version) => new(department, rowKey)
    {
        ["Version"] = version, ["ProjectCode"] = projectCode, ["ProjectName"] = projectName, ["ItemCode"] = c.Status.Item.Code, ["InstanceId"] = c.Status.InstanceId,
        ["State"] = c.Status.State.ToString(), ["Escalated"] = c.Escalated, ["Json"] = Json(c.Status),
    };

    private static async Task<TableEntity?> GetAsync(TableClient table, string pk, string rk, CancellationToken ct)
    {
        var r = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
        return r.HasValue ? r.Value : null;
    }

    /// <summary>Partition <c>all</c> keeps every escalation, <c>open</c> the open ones (removed when they resolve or go moot).</summary>
    private async Task WriteEscalationsAsync(ReadModelUpdate u, CancellationToken ct)
    {
        if (u.Escalations.Count == 0) return;
        var table = await tables.EscalationsAsync();
        var all = new List<TableTransactionAction>();
        var open = new List<TableTransactionAction>();
        foreach (var e in u.Escalations)
        {
            var json = Json(ToView(u.ProjectCode, e));
            all.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(ReadModelKeys.AllEscalations, e.MeetingInstanceId) { ["Version"] = u.Version, ["Json"] = json }));
            if (e.State == EscalationState.Open)
                open.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(ReadModelKeys.OpenEscalations, e.MeetingInstanceId) { ["Version"] = u.Version, ["Json"] = json }));
            else
                try { await table.DeleteEntityAsync(ReadModelKeys.OpenEscalations, e.MeetingInstanceId, ETag.All, ct); }
                catch (RequestFailedException ex) when (ex.Status == 404) { }
        }
        foreach (var chunk in all.Chunk(MaxBatch)) await table.SubmitTransactionAsync(chunk, ct);
        foreach (var chunk in open.Chunk(MaxBatch)) await table.SubmitTransactionAsync(chunk, ct);
    }

    public static EscalationView ToView(string projectCode, EscalationRecord e) =>
        new(projectCode, e.MeetingInstanceId, e.Sequence, e.Cause, e.ItemCodes, e.Departments, e.Level, e.State, e.OpenedAt, e.ConveneBy, e.ResolvedAt, e.Resolution, e.MootAt, e.MootReason);

    /// <summary>The project row, replaced only by a later version (ETag-guarded).</summary>
    private async Task WriteProjectRowAsync(ReadModelUpdate u, bool rebuild, CancellationToken ct)
    {
        var table = await tables.ProjectsAsync();
        var h = u.Head;
        var row = new TableEntity(ReadModelKeys.ProjectPartition(h.ProjectCode), h.ProjectCode)
        {
            ["Version"] = u.Version, ["Name"] = h.ProjectName, ["Uscc"] = h.Enterprise.Uscc, ["EnterpriseName"] = h.Enterprise.Name, ["Zone"] = u.Zone,
            ["Phase"] = h.Phase.ToString(), ["Stage"] = h.CurrentStage, ["FiledUtc"] = h.FiledAt.ToUniversalTime(), ["UpdatedUtc"] = h.UpdatedAt.ToUniversalTime(),
            ["OpenItems"] = u.OpenItems, ["OpenEscalations"] = u.OpenEscalations, ["RuntimeStatus"] = RuntimeStatus(h.Phase),
            ["Departments"] = u.OpenDepartments.Count == 0 ? "" : "|" + string.Join("|", u.OpenDepartments) + "|",
            ["OpenDues"] = string.Join(",", u.OpenDues.Select(d => d.UtcTicks)),
            ["OverdueAtWrite"] = u.OpenDues.Count(d => d < h.UpdatedAt),
        };
        // No open deadline: a far sentinel rather than a missing property, so "no deadline" is a range filter too.
        row["MinOpenDueUtc"] = u.OpenDues.Count > 0 ? u.OpenDues.Min().ToUniversalTime() : NoDueUtc;
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(table, row.PartitionKey, row.RowKey, ct);
            try
            {
                if (existing is null) await table.AddEntityAsync(row, ct);
                else if ((existing.GetInt64("Version") ?? 0) is var v && (v < u.Version || rebuild && v == u.Version))
                    await table.UpdateEntityAsync(row, existing.ETag, TableUpdateMode.Replace, ct);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts) { }
        }
    }
}
