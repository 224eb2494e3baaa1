using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Sla;

/// <summary>
/// The daily SLA sweep (run by the scheduled function <c>SlaSweep</c>, once per occurrence across workers): on working days
/// of the domain calendar only, builds the SLA board, sends reminders for what is due today and on the next working day,
/// asks projects to escalate anything overdue that has not escalated (safety net: items escalate by their own timers),
/// and stores the daily report. Idempotent per day: reminders and escalation requests carry keys derived from the date.
/// </summary>
public sealed class SlaSweepService(IProjectQueries queries, INotificationOutbox outbox, ISlaReportStore reports, DurableTaskClient client,
    WorkingCalendar calendar, IOptions<LifecycleOptions> options, ILogger<SlaSweepService> logger)
{
    /// <summary>Reminders handed to the outbox at a time (its batch transactions take 100).</summary>
    private const int ReminderBatch = 1000;

    public async Task<SlaReport> RunAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var date = ChinaTime.LocalDate(now);
        if (options.Value.Sweep.WorkingDaysOnly && !calendar.IsWorkingDay(date))
        {
            var skipped = new SlaReport(date, now, $"{date:yyyy-MM-dd} is not a working day", 0, 0, 0, 0, [], null);
            logger.LogInformation("SLA sweep skipped: {Date} is not a working day", date);
            return skipped;
        }
        var board = await queries.GetSlaBoardAsync(now, ct);
        // Reminders go to every item due soon, not only the first ones the board lists: streamed from the due-date index.
        var reminders = 0;
        var batch = new List<NotificationRequest>();
        await foreach (var e in queries.ListDueSoonAsync(now, ct))
        {
            var when = e.DueDateLocal == date ? "today" : "next-working-day";
            batch.Add(new NotificationRequest($"sla-sweep-{date:yyyyMMdd}:{e.ProjectCode}:{e.ItemCode}:{when}", e.ProjectCode, $"department:{e.DepartmentCode}",
                $"reminder-due-{when}", $"[{e.ProjectCode}] {e.ItemCode} due {e.DueDateLocal:yyyy-MM-dd}",
                $"{e.ItemCode} of project {e.ProjectCode} is due {(when == "today" ? "today" : "on the next working day")} ({e.DueDateLocal:yyyy-MM-dd}, {e.Clock} deadline)."));
            if (batch.Count < ReminderBatch) continue;
            await outbox.EnqueueAsync(batch, now, ct);
            reminders += batch.Count;
            batch = [];
        }
        if (batch.Count > 0) await outbox.EnqueueAsync(batch, now, ct);
        reminders += batch.Count;

        // The board lists running projects only; the key makes a repeated sweep of the same day apply once.
        await Parallel.ForEachAsync(board.OverdueNotEscalated, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (e, token) =>
            await client.RaiseEventAsync(InstanceIds.Project(e.ProjectCode), LifecycleEvents.EscalateOverdue,
                new EscalateOverdue(e.ItemCode, $"{e.WorkingDaysLate} working day(s) past {e.DueDateLocal:yyyy-MM-dd}", $"sweep-{date:yyyyMMdd}-{e.ItemCode}"), token));
        var escalated = board.OverdueNotEscalated.Select(e => $"{e.ProjectCode}/{e.ItemCode}").ToList();
        var report = new SlaReport(date, now, null, board.Green, board.Yellow, board.Red, reminders, escalated, board);
        await reports.SaveAsync(report, ct);
        logger.LogInformation("SLA sweep {Date}: {Green} green, {Yellow} yellow, {Red} red; {Reminders} reminders; {Escalated} escalated",
            date, board.Green, board.Yellow, board.Red, reminders, escalated.Count);
        return report;
    }
}
