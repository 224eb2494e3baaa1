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

    public async Task EnqueueAsync(IReadOnlyList<NotificationRequest> notifications, DateTimeOffset now, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        // Notifications are independent (each keyed): a large batch (the daily sweep's reminders) goes out in parallel.
        await Parallel.ForEachAsync(notifications, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (n, token) =>
        {
            var rk = LifecycleTables.Key(n.Key);
            if ((await table.GetEntityIfExistsAsync<TableEntity>(Sent, rk, cancellationToken: token)).HasValue) return;
            try { await table.AddEntityAsync(ToEntity(Pending, new OutboxNotification(n.Key, n.ProjectCode, n.Recipient, n.Kind, n.Subject, n.Body, now, null, 0, null)), token); }
            catch (RequestFailedException ex) when (ex.Status == 409) { }
        });
    }

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
