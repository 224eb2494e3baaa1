using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
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
    private const string LocalReceipt = "L\n";

    /// <summary>Identifies this store instance in the notices it sends (see <see cref="SendWakeUpAsync"/>).</summary>
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];

    private readonly Channel<string> _localWakeUps = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Channel<ActivityWorkItem> _localActivities = Channel.CreateUnbounded<ActivityWorkItem>(new UnboundedChannelOptions { SingleReader = false });
    private int _localActivityCount;
    private readonly StrongBox<long> _lastDurableWakeUpPoll = new(), _lastDurableActivityPoll = new();

    public async Task SendWakeUpAsync(string instanceId, DateTimeOffset? notBefore, CancellationToken ct)
    {
        Faults.At(StoreFaults.BeforeWakeUp, instanceId);
        var now = _time.GetUtcNow();
        var delay = WakeUpDelay(notBefore, now, _options.MaxQueueDelay);
        // A notice for later than the queue's longest delay carries its due time; it is re-armed when it arrives.
        var farDue = notBefore is { } due && due - now > _options.MaxQueueDelay ? due : (DateTimeOffset?)null;
        var body = instanceId;
        if (_hot.TryGetValue(instanceId, out var hot))
        {
            lock (hot.Gate)
            {
                if (delay is null && hot.PendingLocalSignals > 0)
                {
                    // The message is in this process's memory: so is the notice.
                    hot.PendingLocalSignals--;
                    _localWakeUps.Writer.TryWrite(instanceId);
                    return;
                }
                if (delay is null && hot.CreatedHere && LocalStartAllowed())
                {
                    // The start of an instance this process just created: a worker here runs it. If this process
                    // dies first, the sweep starts it (a Pending instance without a start time, see InstanceIndex).
                    hot.CreatedHere = false;
                    _localWakeUps.Writer.TryWrite(instanceId);
                    return;
                }
                hot.CreatedHere = false;
                // Signed notice: if it comes back to this process and nothing else happened meanwhile, the episode
                // runs from memory. Unsigned notices (or another process's) make the receiver read storage.
                if (hot is { Dirty: false, ETag: not null }) body = instanceId + "\n" + _nonce;
            }
        }
        if (farDue is { } far)
            body = instanceId + "\n\n" + far.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _hub.WakeUps.SendMessageAsync(body, delay, NeverExpire, ct).ConfigureAwait(false);
    }

    private long _lastWakeUpReceive;

    /// <summary>
    /// A worker in this process receives wake-ups (a client-only process must use the queue), and its local backlog
    /// is short enough that starting here does not starve other workers of work.
    /// </summary>
    private bool LocalStartAllowed() =>
        _options.LocalStarts
        && Interlocked.Read(ref _lastWakeUpReceive) is var last and not 0
        && Stopwatch.GetElapsedTime(last) < TimeSpan.FromSeconds(30)
        && _localWakeUps.Reader.Count < _options.MaxLocalStartBacklog;

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
        Interlocked.Exchange(ref _lastWakeUpReceive, Stopwatch.GetTimestamp());
        maxCount = Math.Max(1, maxCount);
        return await ReceiveAsync(maxCount, _localWakeUps.Reader,
            id => new WakeUpNotice(id, LocalReceipt, 1),
            async (n, token) =>
            {
                var messages = await _hub.WakeUps.ReceiveMessagesAsync(Math.Clamp(n, 1, MaxReceive), visibilityTimeout, token).ConfigureAwait(false);
                var notices = new List<WakeUpNotice>(messages.Value.Length);
                foreach (var m in messages.Value)
                {
                    // Body: "id", "id\nnonce" (signed), or "id\n\ndueUnixMs" (beyond the queue's longest delay).
                    var parts = m.Body.ToString().Split('\n');
                    var id = parts[0];
                    var signedHere = parts.Length == 2 && parts[1] == _nonce;
                    if (parts.Length == 3 && long.TryParse(parts[2], out var dueMs))
                    {
                        var due = DateTimeOffset.FromUnixTimeMilliseconds(dueMs);
                        if (due > _time.GetUtcNow())
                        {
                            // Arrived early (7-day cap): re-arm for the time left, drop this one.
                            await SendWakeUpAsync(id, due, token).ConfigureAwait(false);
                            await DeleteMessageAsync(_hub.WakeUps, m.MessageId, m.PopReceipt, token).ConfigureAwait(false);
                            continue;
                        }
                    }
                    if (!signedHere && _hot.TryGetValue(id, out var hot))
                    {
                        lock (hot.Gate) hot.Dirty = true;
                    }
                    notices.Add(new WakeUpNotice(id, Receipt(m.MessageId, m.PopReceipt), (int)m.DequeueCount));
                }
                return notices;
            },
            _lastDurableWakeUpPoll, ct).ConfigureAwait(false);
    }

    public async Task CompleteWakeUpAsync(WakeUpNotice notice, CancellationToken ct)
    {
        Faults.At(StoreFaults.AfterEpisodeBeforeWakeUpComplete, notice.InstanceId);
        if (notice.Receipt == LocalReceipt) return;
        var (id, pop) = ParseReceipt(notice.Receipt);
        await DeleteMessageAsync(_hub.WakeUps, id, pop, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Local items first; the durable queue is polled too, at least every DurablePollInterval while local work
    /// flows (so a busy process does not pay a receive per item); when both are empty, waits up to LocalWait for
    /// local work (the engine backs off after an empty receive, which would delay local work otherwise).
    /// </summary>
    private async Task<List<T>> ReceiveAsync<TLocal, T>(int maxCount, ChannelReader<TLocal> local, Func<TLocal, T> wrap,
        Func<int, CancellationToken, Task<List<T>>> durable, StrongBox<long> lastDurablePoll, CancellationToken ct)
    {
        var result = new List<T>();
        while (result.Count < maxCount && local.TryRead(out var item)) result.Add(wrap(item));
        var pollDue = Stopwatch.GetElapsedTime(Interlocked.Read(ref lastDurablePoll.Value)) >= _options.DurablePollInterval;
        if (result.Count < maxCount && (result.Count == 0 || pollDue))
        {
            Interlocked.Exchange(ref lastDurablePoll.Value, Stopwatch.GetTimestamp());
            var task = durable(maxCount - result.Count, ct);
            result.AddRange(await task.ConfigureAwait(false));
        }
        if (result.Count > 0) return result;

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(_options.LocalWait);
        try
        {
            if (await local.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                while (result.Count < maxCount && local.TryRead(out var item)) result.Add(wrap(item));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        return result;
    }

    public async Task EnqueueActivitiesAsync(IReadOnlyList<ActivityWorkItem> items, CancellationToken ct)
    {
        if (_options.LocalDispatch) items = DispatchLocally(items);
        if (items.Count == 0) return;
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

    /// <summary>
    /// Puts the work items of instances this process is working on into the local channel (up to
    /// MaxLocalActivities); returns the rest, for the durable queue. A local item's outbox row is kept (deferred)
    /// as its durable record, so only items whose outbox row this process knows go local.
    /// </summary>
    private IReadOnlyList<ActivityWorkItem> DispatchLocally(IReadOnlyList<ActivityWorkItem> items)
    {
        List<ActivityWorkItem>? rest = null;
        foreach (var item in items)
        {
            var local = false;
            if (_hot.TryGetValue(item.InstanceId, out var hot))
            {
                lock (hot.Gate)
                {
                    if (hot.LocalFlight.Contains(item.Id))
                    {
                        local = true; // already queued or running here
                    }
                    else if (hot.ETag is not null && Volatile.Read(ref _localActivityCount) < _options.MaxLocalActivities
                             && hot.Outbox.Values.FirstOrDefault(o => o.Activity?.Id == item.Id) is { } row)
                    {
                        hot.LocalFlight.Add(item.Id);
                        hot.DeferredOutbox[Execution.MessageIds.ActivityResult(item.ExecutionId, item.TaskScheduledId)] = row.Id;
                        Interlocked.Increment(ref _localActivityCount);
                        _localActivities.Writer.TryWrite(item);
                        local = true;
                    }
                }
            }
            if (!local) (rest ??= []).Add(item);
        }
        return rest ?? (IReadOnlyList<ActivityWorkItem>)[];
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
        maxCount = Math.Max(1, maxCount);
        return await ReceiveAsync(maxCount, _localActivities.Reader,
            item => new ActivityLease(item, LocalReceipt, 1),
            async (n, token) =>
            {
                var messages = await _hub.Activities.ReceiveMessagesAsync(Math.Clamp(n, 1, MaxReceive), visibilityTimeout, token).ConfigureAwait(false);
                var leases = new List<ActivityLease>(messages.Value.Length);
                foreach (var m in messages.Value)
                {
                    var item = await ReadActivityAsync(m, token).ConfigureAwait(false);
                    if (item is null)
                    {
                        // Unreadable (a foreign or truncated message): drop it rather than poison the queue forever.
                        await DeleteMessageAsync(_hub.Activities, m.MessageId, m.PopReceipt, token).ConfigureAwait(false);
                        continue;
                    }
                    leases.Add(new ActivityLease(item, Receipt(m.MessageId, m.PopReceipt), (int)m.DequeueCount));
                }
                return leases;
            },
            _lastDurableActivityPoll, ct).ConfigureAwait(false);
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
        if (lease.Receipt == LocalReceipt) return lease;
        var (id, pop) = ParseReceipt(lease.Receipt);
        // Throws RequestFailedException (404/400) when the lease was lost: the caller stops caring about the item.
        var receipt = await _hub.Activities.UpdateMessageAsync(id, pop, message: (BinaryData?)null, visibilityTimeout, ct).ConfigureAwait(false);
        return lease with { Receipt = Receipt(id, receipt.Value.PopReceipt) };
    }

    public async Task CompleteActivityAsync(ActivityLease lease, CancellationToken ct)
    {
        Faults.At(StoreFaults.AfterResultBeforeActivityComplete, lease.WorkItem.InstanceId);
        if (lease.Receipt == LocalReceipt)
        {
            if (_hot.TryGetValue(lease.WorkItem.InstanceId, out var hot))
            {
                lock (hot.Gate) hot.LocalFlight.Remove(lease.WorkItem.Id);
            }
            Interlocked.Decrement(ref _localActivityCount);
            return;
        }
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
