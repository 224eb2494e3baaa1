using Azure;
using Azure.Data.Tables;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Infrastructure.Notifications;

/// <summary>
/// The outbox on the Azure table <c>Notifications</c>: partition <c>pending</c> holds what is to send, partition
/// <c>sent</c> what was sent (moved by insert-then-delete, both idempotent); row key = the notification key.
/// </summary>
public sealed class TableNotificationOutbox(LifecycleTables tables, string tableName) : INotificationOutbox
{
    private const string Pending = "pending";
    private const string Sent = "sent";

    /// <summary>Up to this many notifications are checked and added one by one; a larger batch goes by key range and batch transactions.</summary>
    private const int SingleWritesUpTo = 8;

    public async Task EnqueueAsync(IReadOnlyList<NotificationRequest> notifications, DateTimeOffset now, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        var fresh = notifications.DistinctBy(n => n.Key).ToList();
        if (fresh.Count > SingleWritesUpTo)
        {
            // A large batch (the daily sweep's reminders, keys sharing the day's prefix): the keys already pending or sent come
            // from one key-range query per partition, the rest go in batch transactions of 100, not two requests each.
            var keys = fresh.Select(n => LifecycleTables.Key(n.Key)).ToList();
            var from = keys.Min(StringComparer.Ordinal)!;
            var to = keys.Max(StringComparer.Ordinal)!;
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pk in new[] { Sent, Pending })
                await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey le {to}"),
                                   1000, [nameof(TableEntity.RowKey)], ct))
                    known.Add(e.RowKey);
            fresh = fresh.Where(n => !known.Contains(LifecycleTables.Key(n.Key))).ToList();
            await Parallel.ForEachAsync(fresh.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (chunk, token) =>
            {
                try { await table.SubmitTransactionAsync(chunk.Select(n => new TableTransactionAction(TableTransactionActionType.Add, PendingRow(n, now))), token); }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    // Another sweep added some of them meanwhile: those are skipped one by one.
                    foreach (var n in chunk) await AddOneAsync(table, n, now, token);
                }
            });
            return;
        }
        await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, (n, token) => AddOneAsync(table, n, now, token));
    }

    private static async ValueTask AddOneAsync(TableClient table, NotificationRequest n, DateTimeOffset now, CancellationToken ct)
    {
        if ((await table.GetEntityIfExistsAsync<TableEntity>(Sent, LifecycleTables.Key(n.Key), cancellationToken: ct)).HasValue) return;
        try { await table.AddEntityAsync(PendingRow(n, now), ct); }
        catch (RequestFailedException ex) when (ex.Status == 409) { }
    }

    private static TableEntity PendingRow(NotificationRequest n, DateTimeOffset now) =>
        ToEntity(Pending, new OutboxNotification(n.Key, n.ProjectCode, n.Recipient, n.Kind, n.Subject, n.Body, now, null, 0, null));

    public async Task<IReadOnlyList<OutboxNotification>> ListPendingAsync(int max, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        var list = new List<OutboxNotification>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == Pending, maxPerPage: max, cancellationToken: ct))
        {
            list.Add(FromEntity(e));
            if (list.Count >= max) break;
        }
        return list.OrderBy(n => n.CreatedAt).ToList();
    }

    public async Task MarkSentAsync(OutboxNotification n, DateTimeOffset at, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        await table.UpsertEntityAsync(ToEntity(Sent, n with { SentAt = at, Attempts = n.Attempts + 1 }), TableUpdateMode.Replace, ct);
        try { await table.DeleteEntityAsync(Pending, LifecycleTables.Key(n.Id), ETag.All, ct); }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }

    public async Task MarkFailedAsync(OutboxNotification n, string error, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        await table.UpsertEntityAsync(ToEntity(Pending, n with { Attempts = n.Attempts + 1, LastError = error }), TableUpdateMode.Replace, ct);
    }

    public async Task<IReadOnlyList<OutboxNotification>> ListAsync(string? projectCode, int max = 1000, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        var list = new List<OutboxNotification>();
        var query = projectCode is null
            ? table.QueryAsync<TableEntity>(cancellationToken: ct)
            : table.QueryAsync<TableEntity>(x => x.GetString("ProjectCode") == projectCode, cancellationToken: ct);
        await foreach (var e in query)
        {
            list.Add(FromEntity(e));
            if (list.Count >= max) break;
        }
        return list.OrderBy(n => n.CreatedAt).ToList();
    }

    private static TableEntity ToEntity(string pk, OutboxNotification n) => new(pk, LifecycleTables.Key(n.Id))
    {
        ["Id"] = n.Id, ["ProjectCode"] = n.ProjectCode, ["Recipient"] = n.Recipient, ["Kind"] = n.Kind, ["Subject"] = n.Subject,
        ["Body"] = n.Body, ["CreatedAt"] = n.CreatedAt, ["SentAt"] = n.SentAt, ["Attempts"] = n.Attempts, ["LastError"] = n.LastError,
    };

    private static OutboxNotification FromEntity(TableEntity e) => new(
        e.GetString("Id") ?? e.RowKey, e.GetString("ProjectCode"), e.GetString("Recipient") ?? "", e.GetString("Kind") ?? "",
        e.GetString("Subject") ?? "", e.GetString("Body") ?? "", e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("SentAt"),
        e.GetInt32("Attempts") ?? 0, e.GetString("LastError"));
}
