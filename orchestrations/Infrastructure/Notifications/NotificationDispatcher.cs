using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Infrastructure.Notifications;

/// <summary>The default sender: writes the notification to the log.</summary>
public sealed class LogNotificationSender(ILogger<LogNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(OutboxNotification n, CancellationToken ct)
    {
        logger.LogInformation("Notification {Kind} to {Recipient} ({ProjectCode}): {Subject} — {Body}", n.Kind, n.Recipient, n.ProjectCode, n.Subject, n.Body);
        return Task.CompletedTask;
    }
}

/// <summary>Drains the outbox through the sender (a hosted loop; <see cref="DrainOnceAsync"/> for tests).</summary>
public sealed class NotificationDispatcher(INotificationOutbox outbox, INotificationSender sender, IOptions<LifecycleOptions> options, TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    /// <summary>Sends one batch; returns how many were sent.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct = default)
    {
        var sent = 0;
        foreach (var n in await outbox.ListPendingAsync(options.Value.Notifications.BatchSize, ct))
        {
            try
            {
                await sender.SendAsync(n, ct);
                await outbox.MarkSentAsync(n, time.GetUtcNow(), ct);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Notification {Id} to {Recipient} could not be sent", n.Id, n.Recipient);
                await outbox.MarkFailedAsync(n, ex.Message, ct);
            }
        }
        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Notifications.DrainEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try { sent = await DrainOnceAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) { logger.LogError(ex, "Draining the notification outbox failed"); }
            if (sent == 0)
            {
                try { await Task.Delay(options.Value.Notifications.DrainInterval, time, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
