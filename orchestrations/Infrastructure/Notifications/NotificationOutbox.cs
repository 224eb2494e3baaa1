using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Infrastructure.Notifications;

/// <summary>A notification in the outbox.</summary>
public sealed record OutboxNotification(string Id, string? ProjectCode, string Recipient, string Kind, string Subject, string Body,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, int Attempts, string? LastError);

/// <summary>
/// The notification outbox (table <c>Notifications</c>, in-memory twin for the InMemory backend): orchestrations
/// enqueue through the Notify activity (idempotent on the request key), <see cref="NotificationDispatcher"/> drains it
/// through <see cref="INotificationSender"/>. Delivery is at least once.
/// </summary>
public interface INotificationOutbox
{
    /// <summary>Adds the notifications not seen before (by key).</summary>
    Task EnqueueAsync(IReadOnlyList<NotificationRequest> notifications, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Up to <paramref name="max"/> unsent notifications, oldest first.</summary>
    Task<IReadOnlyList<OutboxNotification>> ListPendingAsync(int max, CancellationToken ct = default);

    Task MarkSentAsync(OutboxNotification notification, DateTimeOffset at, CancellationToken ct = default);

    Task MarkFailedAsync(OutboxNotification notification, string error, CancellationToken ct = default);

    /// <summary>Every notification (sent or not) of a project, or all when <paramref name="projectCode"/> is null; for tests and the dashboard.</summary>
    Task<IReadOnlyList<OutboxNotification>> ListAsync(string? projectCode, int max = 1000, CancellationToken ct = default);
}

/// <summary>Sends one notification (SMS, e-mail, the platform's message centre…). The default logs it.</summary>
public interface INotificationSender
{
    Task SendAsync(OutboxNotification notification, CancellationToken ct);
}

/// <summary>In-memory twin of <see cref="TableNotificationOutbox"/>.</summary>
public sealed class InMemoryNotificationOutbox : INotificationOutbox
{
    private readonly object _gate = new();
    private readonly Dictionary<string, OutboxNotification> _all = new();
    private readonly List<string> _order = [];

    public Task EnqueueAsync(IReadOnlyList<NotificationRequest> notifications, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
            foreach (var n in notifications)
                if (_all.TryAdd(n.Key, new OutboxNotification(n.Key, n.ProjectCode, n.Recipient, n.Kind, n.Subject, n.Body, now, null, 0, null)))
                    _order.Add(n.Key);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxNotification>> ListPendingAsync(int max, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<OutboxNotification>>(_order.Select(k => _all[k]).Where(n => n.SentAt is null).Take(max).ToList());
    }

    public Task MarkSentAsync(OutboxNotification notification, DateTimeOffset at, CancellationToken ct = default)
    {
        lock (_gate) _all[notification.Id] = _all[notification.Id] with { SentAt = at, Attempts = notification.Attempts + 1 };
        return Task.CompletedTask;
    }

    public Task MarkFailedAsync(OutboxNotification notification, string error, CancellationToken ct = default)
    {
        lock (_gate) _all[notification.Id] = _all[notification.Id] with { Attempts = notification.Attempts + 1, LastError = error };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxNotification>> ListAsync(string? projectCode, int max = 1000, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<OutboxNotification>>(_order.Select(k => _all[k])
                .Where(n => projectCode is null || n.ProjectCode == projectCode).Take(max).ToList());
    }
}
