using Microsoft.DurableTask.Client;
using Orchestrator.Functions.Durable;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Functions.Scheduled;

/// <summary>
/// The daily SLA sweep (board, reminders for what is due today and on the next working day, safety-net escalation,
/// daily report) as a TimerTrigger. Schedule: the app setting <c>Lifecycle:Sweep:Schedule</c> (on Linux
/// <c>Lifecycle__Sweep__Schedule</c>), six-field NCRONTAB in UTC unless WEBSITE_TIME_ZONE is set; the documented value
/// "0 30 0 * * *" is 08:30 Asia/Shanghai (UTC+8, no daylight saving) every day. Every day, not Monday to Friday: the
/// working-day check (holidays, and the adjusted working Saturdays 调休) stays in <see cref="SlaSweepService"/>.
/// The Functions host runs one occurrence once across all instances (the timer's blob lease).
/// </summary>
public static class SlaSweepTimerFunction
{
    public const string Name = "SlaSweep";
    public const string ScheduleSetting = "Lifecycle:Sweep:Schedule";

    [Function(Name)]
    public static async Task Run([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        using var bound = BoundDurableTaskClient.Use(client);
        var services = context.InstanceServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var report = await services.GetRequiredService<SlaSweepService>().RunAsync(now, context.CancellationToken);
        context.GetLogger(typeof(SlaSweepTimerFunction).FullName!).LogInformation(
            "SLA sweep at {Now} (late: {Late}): {Skipped}{Red} red, {Reminders} reminders, {Escalated} escalated",
            now, timer.IsPastDue, report.Skipped is null ? "" : report.Skipped + "; ", report.Red, report.RemindersSent, report.Escalated.Count);
    }
}
