using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>The wake-up and activity queues.</summary>
internal sealed partial class AzureStorageOrchestrationStore
{
    /// <summary>Queue messages never expire on their own (the default time-to-live is 7 days).</summary>
    private static readonly TimeSpan NeverExpire = TimeSpan.FromSeconds(-1);

    private const int MaxReceive = 32; // service limit per receive call

    public async Task SendWakeUpAsync(string instanceId, DateTimeOffset? notBefore, CancellationToken ct)
    {
        var delay = WakeUpDelay(notBefore, _time.GetUtcNow(), _options.MaxQueueDelay);
        // The body is the bare instance id: small, and a duplicate or early notice only causes a cheap episode.
        await _hub.WakeUps.SendMessageAsync(instanceId, delay, NeverExpire, ct).ConfigureAwait(false);
    }

    /// <summary>Visibility delay of a wake-up: the time left, capped at the queue's maximum (the engine re-arms longer timers).</summary>
    internal static TimeSpan? WakeUpDelay(DateTimeOffset? notBefore, DateTimeOffset now, TimeSpan max)
    {
        if (notBefore is not { } at) return null;
        var left = at - now;
        if (left <= TimeSpan.Zero) return null;
        // Round up to whole seconds (the service's unit) so the notice never arrives before the timer is due.
        var seconds = Math.Ceiling(left.TotalSeconds);
        var delay = TimeSpan.FromSeconds(seconds);
        return delay > max ? max : delay;
    }

    public async Task<IReadOnlyList<WakeUpNotice>> ReceiveWakeUpsAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        var messages = await _hub.WakeUps.ReceiveMessagesAsync(Math.Clamp(maxCount, 1, MaxReceive), visibilityTimeout, ct).ConfigureAwait(false);
        var notices = new List<WakeUpNotice>(messages.Value.Length);
        foreach (var m in messages.Value)
            notices.Add(new WakeUpNotice(m.Body.ToString(), Receipt(m.MessageId, m.PopReceipt), (int)m.DequeueCount));
        return notices;
    }

    public async Task CompleteWakeUpAsync(WakeUpNotice notice, CancellationToken ct)
    {
        var (id, pop) = ParseReceipt(notice.Receipt);
        await DeleteMessageAsync(_hub.WakeUps, id, pop, ct).ConfigureAwait(false);
    }

    public async Task EnqueueActivitiesAsync(IReadOnlyList<ActivityWorkItem> items, CancellationToken ct)
    {
        // Queue storage has no batch send; sends run concurrently (bounded) so a fan-out is not a serial chain
        // of round trips.
        if (items.Count == 1)
        {
            await SendActivityAsync(items[0], ct).ConfigureAwait(false);
            return;
        }
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (item, token) => await SendActivityAsync(item, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task SendActivityAsync(ActivityWorkItem item, CancellationToken ct)
    {
        var body = InstanceRows.Serialize(new ActivityMessage(item, null));
        if (PayloadBlobs.Utf8Length(body) > PayloadBlobs.MaxInlineQueueBytes)
        {
            // Too big for a queue message: the message carries a reference to the work item in a blob.
            var blob = await _blobs.UploadAsync(item.InstanceId, body, ct).ConfigureAwait(false);
            body = InstanceRows.Serialize(new ActivityMessage(null, blob));
        }
        await _hub.Activities.SendMessageAsync(body, visibilityTimeout: null, NeverExpire, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ActivityLease>> ReceiveActivitiesAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        var messages = await _hub.Activities.ReceiveMessagesAsync(Math.Clamp(maxCount, 1, MaxReceive), visibilityTimeout, ct).ConfigureAwait(false);
        var leases = new List<ActivityLease>(messages.Value.Length);
        foreach (var m in messages.Value)
        {
            var item = await ReadActivityAsync(m, ct).ConfigureAwait(false);
            if (item is null)
            {
                // Unreadable (a foreign or truncated message): drop it rather than poison the queue forever.
                await DeleteMessageAsync(_hub.Activities, m.MessageId, m.PopReceipt, ct).ConfigureAwait(false);
                continue;
            }
            leases.Add(new ActivityLease(item, Receipt(m.MessageId, m.PopReceipt), (int)m.DequeueCount));
        }
        return leases;
    }

    private async Task<ActivityWorkItem?> ReadActivityAsync(QueueMessage m, CancellationToken ct)
    {
        try
        {
            var message = InstanceRows.Deserialize<ActivityMessage>(m.Body.ToString());
            if (message.Item is not null) return message.Item;
            if (message.Blob is null) return null;
            var stored = InstanceRows.Deserialize<ActivityMessage>(await _blobs.DownloadAsync(message.Blob, ct).ConfigureAwait(false));
            return stored.Item;
        }
        catch (JsonException e)
        {
            _logger.LogWarning(e, "Dropping unreadable activity message {MessageId} from queue {Queue}.", m.MessageId, _hub.Activities.Name);
            return null;
        }
    }

    public async Task<ActivityLease> RenewActivityLeaseAsync(ActivityLease lease, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        var (id, pop) = ParseReceipt(lease.Receipt);
        // Throws RequestFailedException (404/400) when the lease was lost: the caller stops caring about the item.
        var receipt = await _hub.Activities.UpdateMessageAsync(id, pop, message: (BinaryData?)null, visibilityTimeout, ct).ConfigureAwait(false);
        return lease with { Receipt = Receipt(id, receipt.Value.PopReceipt) };
    }

    public async Task CompleteActivityAsync(ActivityLease lease, CancellationToken ct)
    {
        var (id, pop) = ParseReceipt(lease.Receipt);
        await DeleteMessageAsync(_hub.Activities, id, pop, ct).ConfigureAwait(false);
    }

    private static async Task DeleteMessageAsync(Azure.Storage.Queues.QueueClient queue, string id, string pop, CancellationToken ct)
    {
        try
        {
            await queue.DeleteMessageAsync(id, pop, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            // Already deleted, or re-leased by another receiver (pop receipt mismatch): not ours to delete.
        }
    }

    private static string Receipt(string messageId, string popReceipt) => messageId + "\n" + popReceipt;

    private static (string Id, string Pop) ParseReceipt(string receipt)
    {
        var i = receipt.IndexOf('\n');
        if (i < 0) throw new ArgumentException($"Not a queue receipt of this store: '{receipt}'.", nameof(receipt));
        return (receipt[..i], receipt[(i + 1)..]);
    }

    /// <summary>Body of an activity queue message: the work item, or the blob holding it when too big.</summary>
    private sealed record ActivityMessage(ActivityWorkItem? Item, string? Blob);
}
