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
        var reminders = new List<NotificationRequest>();
        foreach (var (entries, when) in new[] { (board.DueToday, "today"), (board.DueNextWorkingDay, "next-working-day") })
        foreach (var e in entries)
            reminders.Add(new NotificationRequest($"sla-sweep-{date:yyyyMMdd}:{e.ProjectCode}:{e.ItemCode}:{when}", e.ProjectCode, $"department:{e.DepartmentCode}",
                $"reminder-due-{when}", $"[{e.ProjectCode}] {e.ItemCode} due {e.DueDateLocal:yyyy-MM-dd}",
                $"{e.ItemCode} of project {e.ProjectCode} is due {(when == "today" ? "today" : "on the next working day")} ({e.DueDateLocal:yyyy-MM-dd}, {e.Clock} deadline)."));
        if (reminders.Count > 0) await outbox.EnqueueAsync(reminders, now, ct);

        var escalated = new List<string>();
        foreach (var e in board.OverdueNotEscalated)
        {
            // The board lists running projects only; the key makes a repeated sweep of the same day apply once.
            await client.RaiseEventAsync(InstanceIds.Project(e.ProjectCode), LifecycleEvents.EscalateOverdue,
                new EscalateOverdue(e.ItemCode, $"{e.WorkingDaysLate} working day(s) past {e.DueDateLocal:yyyy-MM-dd}", $"sweep-{date:yyyyMMdd}-{e.ItemCode}"), ct);
            escalated.Add($"{e.ProjectCode}/{e.ItemCode}");
        }
        var report = new SlaReport(date, now, null, board.Green, board.Yellow, board.Red, reminders.Count, escalated, board);
        await reports.SaveAsync(report, ct);
        logger.LogInformation("SLA sweep {Date}: {Green} green, {Yellow} yellow, {Red} red; {Reminders} reminders; {Escalated} escalated",
            date, board.Green, board.Yellow, board.Red, reminders.Count, escalated.Count);
        return report;
    }
}
