using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Row layout of the "{hub}Instances" table: one partition per instance (PartitionKey = instance id).
/// <list type="bullet">
/// <item>"state": the state row; its ETag guards every change of the instance.</item>
/// <item>"h-{seq:D8}": history of the current execution in chunks: a row holds the events [seq, seq + Count) that
/// one commit appended (several rows when they do not fit one), so an episode costs one history row, not one per
/// event. The history is the chain of rows from "h-00000000", each starting where the previous ended, up to
/// state.HistoryLength, all with the state's ExecutionId. Every commit writes its chunks from the stored
/// HistoryLength on, so a row left beyond the length (a crashed multi-batch commit, an older execution) is
/// either off the chain or overwritten before the length reaches it.</item>
/// <item>"i-{messageId}": inbox. Rows written by a commit carry Gen (the commit's generation) and count only once
/// state.Gen reached it; rows delivered by other senders have no Gen and count at once.</item>
/// <item>"o-{outboxId}": outbox, written by commits (with Gen), deleted after dispatch.</item>
/// <item>"i~ahead": written with every delivered event and inserted by the instance's creation, which therefore
/// fails on it exactly when events were sent to the id before the instance existed (they must be read before the
/// first episode; otherwise the first episode runs without reading the partition).</item>
/// </list>
/// </summary>
internal static class InstanceRows
{
    public const string StateKey = "state";
    public const string HistoryPrefix = "h-";
    public const string InboxPrefix = "i-";
    public const string OutboxPrefix = "o-";
    public const string AheadKey = "i~ahead";

    // Property names.
    public const string Gen = "Gen";
    /// <summary>Number of events in a history chunk row (absent: one event, not in an array).</summary>
    public const string Count = "Count";
    public const string Data = "Data";
    public const string ExecutionId = "ExecutionId";
    public const string EnqueuedAt = "EnqueuedAt";
    public const string VisibleAt = "VisibleAt";

    public static string HistoryKey(int seq) => HistoryPrefix + seq.ToString("D8", CultureInfo.InvariantCulture);
    public static string InboxKey(string messageId) => InboxPrefix + messageId;
    public static string OutboxKey(string outboxId) => OutboxPrefix + outboxId;

    /// <summary>Generation of the commit that wrote a row; null for rows written outside commits (deliveries).</summary>
    public static long? GenOf(TableEntity row) => row.TryGetValue(Gen, out var g) ? Convert.ToInt64(g, CultureInfo.InvariantCulture) : null;

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, DurableJson.Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, DurableJson.Options) ?? throw new InvalidDataException($"Row data deserialized to null ({typeof(T).Name}).");

    // ---------------------------------------------------------------- state row

    /// <summary>Builds the state row; payloads over the inline limit are uploaded to blobs first.</summary>
    public static async ValueTask<TableEntity> ToStateRowAsync(InstanceState state, long gen, PayloadBlobs blobs, CancellationToken ct)
    {
        var e = new TableEntity(state.InstanceId, StateKey)
        {
            ["Name"] = state.Name,
            ["Version"] = state.Version,
            [ExecutionId] = state.ExecutionId,
            ["Status"] = state.Status.ToString(),
            ["CreatedAt"] = state.CreatedAt.ToUniversalTime(),
            ["LastUpdatedAt"] = state.LastUpdatedAt.ToUniversalTime(),
            ["HistoryLength"] = state.HistoryLength,
            [Gen] = gen,
        };
        if (state.CompletedAt is { } completed) e["CompletedAt"] = completed.ToUniversalTime();
        if (state.NextWakeAt is { } wake) e["NextWakeAt"] = wake.ToUniversalTime();
        if (state.ParentInstanceId is not null) e["ParentInstanceId"] = state.ParentInstanceId;
        if (state.ParentExecutionId is not null) e["ParentExecutionId"] = state.ParentExecutionId;
        if (state.ParentTaskScheduledId is { } parentTask) e["ParentTaskScheduledId"] = parentTask;
        if (state.StartMessageId is not null) e["StartMessageId"] = state.StartMessageId;
        await blobs.SetAsync(e, "Input", state.Input, state.InstanceId, ct).ConfigureAwait(false);
        await blobs.SetAsync(e, "Output", state.Output, state.InstanceId, ct).ConfigureAwait(false);
        await blobs.SetAsync(e, "CustomStatus", state.CustomStatus, state.InstanceId, ct).ConfigureAwait(false);
        await blobs.SetAsync(e, "FailureDetails", state.FailureDetails is null ? null : Serialize(state.FailureDetails), state.InstanceId, ct).ConfigureAwait(false);
        await blobs.SetAsync(e, "Tags", state.Tags is null ? null : Serialize(state.Tags), state.InstanceId, ct).ConfigureAwait(false);
        return e;
    }

    /// <summary>Reads the state row; payload blobs are fetched only when <paramref name="includePayloads"/>.</summary>
    public static async ValueTask<InstanceState> FromStateRowAsync(TableEntity e, PayloadBlobs blobs, bool includePayloads, CancellationToken ct)
    {
        string? failure = await blobs.GetAsync(e, "FailureDetails", ct).ConfigureAwait(false);
        string? tags = await blobs.GetAsync(e, "Tags", ct).ConfigureAwait(false);
        return new InstanceState
        {
            InstanceId = e.PartitionKey,
            Name = e.GetString("Name") ?? "",
            Version = e.GetString("Version") ?? "",
            ExecutionId = e.GetString(ExecutionId) ?? "",
            Status = Enum.Parse<OrchestrationRuntimeStatus>(e.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
            LastUpdatedAt = e.GetDateTimeOffset("LastUpdatedAt") ?? default,
            CompletedAt = e.GetDateTimeOffset("CompletedAt"),
            NextWakeAt = e.GetDateTimeOffset("NextWakeAt"),
            HistoryLength = e.GetInt32("HistoryLength") ?? 0,
            ParentInstanceId = e.GetString("ParentInstanceId"),
            ParentExecutionId = e.GetString("ParentExecutionId"),
            ParentTaskScheduledId = e.GetInt32("ParentTaskScheduledId"),
            StartMessageId = e.GetString("StartMessageId"),
            Input = includePayloads ? await blobs.GetAsync(e, "Input", ct).ConfigureAwait(false) : null,
            Output = includePayloads ? await blobs.GetAsync(e, "Output", ct).ConfigureAwait(false) : null,
            CustomStatus = includePayloads ? await blobs.GetAsync(e, "CustomStatus", ct).ConfigureAwait(false) : null,
            FailureDetails = failure is null ? null : Deserialize<TaskFailureDetails>(failure),
            Tags = tags is null ? null : Deserialize<Dictionary<string, string>>(tags),
        };
    }

    public static long StateGen(TableEntity stateRow) => GenOf(stateRow) ?? 0;

    // ---------------------------------------------------------------- history rows

    /// <summary>
    /// The rows holding <paramref name="events"/> from position <paramref name="firstSeq"/> on: as many events per row
    /// as fit inline (an event too big for a row on its own gets a row whose data goes to a blob).
    /// </summary>
    public static async ValueTask<List<TableEntity>> ToHistoryRowsAsync(string instanceId, string executionId, int firstSeq,
        IReadOnlyList<HistoryEvent> events, long gen, PayloadBlobs blobs, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        var chunk = new List<string>();
        var chars = 2;
        var seq = firstSeq;
        for (var i = 0; i <= events.Count; i++)
        {
            var json = i < events.Count ? Serialize(events[i]) : null;
            if (chunk.Count > 0 && (json is null || chars + json.Length + 1 > PayloadBlobs.MaxInlineTableChars))
            {
                var row = new TableEntity(instanceId, HistoryKey(seq)) { [ExecutionId] = executionId, [Gen] = gen, [Count] = chunk.Count };
                await blobs.SetAsync(row, Data, "[" + string.Join(',', chunk) + "]", instanceId, ct).ConfigureAwait(false);
                rows.Add(row);
                seq += chunk.Count;
                chunk.Clear();
                chars = 2;
            }
            if (json is null) break;
            chunk.Add(json);
            chars += json.Length + 1;
        }
        return rows;
    }

    /// <summary>The events of a history row, in order.</summary>
    public static async ValueTask<IReadOnlyList<HistoryEvent>> FromHistoryRowAsync(TableEntity e, PayloadBlobs blobs, CancellationToken ct)
    {
        var data = await blobs.GetAsync(e, Data, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"History row {e.PartitionKey}/{e.RowKey} has no data.");
        return e.ContainsKey(Count) ? Deserialize<List<HistoryEvent>>(data) : [Deserialize<HistoryEvent>(data)];
    }

    // ---------------------------------------------------------------- inbox rows

    public static async ValueTask<TableEntity> ToInboxRowAsync(OrchestrationMessage message, long? gen, PayloadBlobs blobs, CancellationToken ct)
    {
        var e = new TableEntity(message.TargetInstanceId, InboxKey(message.Id))
        {
            [EnqueuedAt] = message.EnqueuedAt.ToUniversalTime(),
        };
        if (gen is { } g) e[Gen] = g;
        if (message.TargetExecutionId is not null) e[ExecutionId] = message.TargetExecutionId;
        if (message.VisibleAt is { } visible) e[VisibleAt] = visible.ToUniversalTime();
        await blobs.SetAsync(e, Data, Serialize(message.Event), message.TargetInstanceId, ct).ConfigureAwait(false);
        return e;
    }

    public static async ValueTask<OrchestrationMessage> FromInboxRowAsync(TableEntity e, PayloadBlobs blobs, CancellationToken ct) => new()
    {
        Id = e.RowKey[InboxPrefix.Length..],
        TargetInstanceId = e.PartitionKey,
        TargetExecutionId = e.GetString(ExecutionId),
        EnqueuedAt = e.GetDateTimeOffset(EnqueuedAt) ?? default,
        VisibleAt = e.GetDateTimeOffset(VisibleAt),
        Event = Deserialize<HistoryEvent>(await blobs.GetAsync(e, Data, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Inbox row {e.PartitionKey}/{e.RowKey} has no data.")),
    };

    // ---------------------------------------------------------------- outbox rows

    public static async ValueTask<TableEntity> ToOutboxRowAsync(string instanceId, OutboxEntry entry, long gen, PayloadBlobs blobs, CancellationToken ct)
    {
        var e = new TableEntity(instanceId, OutboxKey(entry.Id)) { [Gen] = gen };
        await blobs.SetAsync(e, Data, Serialize(entry), instanceId, ct).ConfigureAwait(false);
        return e;
    }

    public static async ValueTask<OutboxEntry> FromOutboxRowAsync(TableEntity e, PayloadBlobs blobs, CancellationToken ct) =>
        Deserialize<OutboxEntry>(await blobs.GetAsync(e, Data, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Outbox row {e.PartitionKey}/{e.RowKey} has no data."));

    /// <summary>
    /// Upper estimate of an entity's size on the wire, for keeping a transaction under its 4 MiB limit: strings
    /// count as UTF-16 as the table service counts them, plus per-property overhead.
    /// </summary>
    public static int EstimateSize(ITableEntity entity)
    {
        var size = 256 + 2 * (entity.PartitionKey.Length + entity.RowKey.Length);
        if (entity is TableEntity t)
        {
            foreach (var (key, value) in t)
                size += 64 + 2 * key.Length + (value is string s ? 2 * s.Length : 32);
        }
        return size;
    }
}
