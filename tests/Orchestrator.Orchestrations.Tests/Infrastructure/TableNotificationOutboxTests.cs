using Orchestrator.Tests.Shared;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Tests.Infrastructure;

/// <summary>The outbox table on Azurite: a notification key is enqueued once, whether it is pending or already sent.</summary>
public sealed class TableNotificationOutboxTests
{
    private static async Task<TableNotificationOutbox> OutboxAsync()
    {
        var azurite = await SharedAzurite.GetAsync();
        return new TableNotificationOutbox(new LifecycleTables(azurite.ConnectionString), "outbox" + Guid.NewGuid().ToString("N")[..12]);
    }

    private static NotificationRequest Reminder(int n) =>
        new($"sla-sweep-20260303:2603-141124-89-05-{n:D6}:S1-EIA:today", $"2603-141124-89-05-{n:D6}", "department:EEB", "reminder-due-today", $"subject {n}", $"body {n}");

    [Theory]
    [InlineData(5)]   // one by one
    [InlineData(250)] // by key range and batch transactions
    public async Task A_key_pending_or_sent_is_not_enqueued_again(int count)
    {
        var outbox = await OutboxAsync();
        var now = DateTimeOffset.UtcNow;
        var first = Enumerable.Range(0, count).Select(Reminder).ToList();
        await outbox.EnqueueAsync(first, now);
        var pending = await outbox.ListPendingAsync(1000);
        Assert.Equal(first.Select(n => n.Key).Order(), pending.Select(n => n.Id).Order());

        // Two of them are sent; then the same batch again, with more keys and a repeated one in it.
        foreach (var n in pending.Take(2)) await outbox.MarkSentAsync(n, now);
        var again = first.Concat(Enumerable.Range(count, count).Select(Reminder)).Append(Reminder(0)).ToList();
        await outbox.EnqueueAsync(again, now.AddMinutes(1));

        var all = await outbox.ListAsync(null, 5000);
        Assert.Equal(2 * count, all.Count);
        Assert.Equal(2 * count, all.Select(n => n.Id).Distinct().Count());
        Assert.Equal(2, all.Count(n => n.SentAt is not null));
        // The ones already pending kept their first enqueue time.
        Assert.All(all.Where(n => first.Any(f => f.Key == n.Id) && n.SentAt is null), n => Assert.Equal(now, n.CreatedAt));
    }
}
