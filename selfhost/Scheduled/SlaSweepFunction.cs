using Orchestrator.SelfHost.Scheduling;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.SelfHost.Scheduled;

/// <summary>
/// The daily SLA sweep (红黄灯 board, reminders for what is due today and on the next working day, safety-net
/// escalation, daily report), triggered by the host's scheduled-function abstraction: cron from
/// <c>Lifecycle:Sweep:Cron</c> in <c>Lifecycle:Sweep:TimeZone</c> (default 08:30 Asia/Shanghai, overridable under
/// <c>Schedules:Functions:SlaSweep</c>), once per occurrence however many workers run (deterministic carrier instance
/// id). Non-working days of the domain calendar are skipped by <see cref="SlaSweepService"/>.
/// </summary>
public sealed class SlaSweepFunction(SlaSweepService sweep, ILogger<SlaSweepFunction> logger) : IScheduledFunction
{
    public const string Name = "SlaSweep";

    public async Task RunAsync(ScheduledFunctionContext context, CancellationToken cancellationToken)
    {
        var report = await sweep.RunAsync(context.ScheduledTime, cancellationToken);
        logger.LogInformation("SLA sweep occurrence {Occurrence} ({InstanceId}): {Skipped}{Red} red, {Reminders} reminders, {Escalated} escalated",
            context.ScheduledTime, context.InstanceId, report.Skipped is null ? "" : report.Skipped + "; ", report.Red, report.RemindersSent, report.Escalated.Count);
    }
}

/// <summary>Host wiring of the project lifecycle (one line in Program.cs).</summary>
public static class LifecycleHostRegistration
{
    /// <summary>
    /// <see cref="LifecycleServiceCollectionExtensions.AddApprovalLifecycle"/> plus the scheduled SLA sweep, whose cron and
    /// time zone come from <c>Lifecycle:Sweep</c> unless <c>Schedules:Functions:SlaSweep</c> gives them.
    /// </summary>
    public static WebApplicationBuilder AddApprovalLifecycle(this WebApplicationBuilder builder)
    {
        builder.Services.AddApprovalLifecycle(builder.Configuration);
        var sweep = builder.Configuration.GetSection($"{LifecycleOptions.SectionName}:Sweep").Get<SlaSweepOptions>() ?? new SlaSweepOptions();
        var cron = sweep.Cron;
        string? zone = sweep.TimeZone;
        if (!string.IsNullOrWhiteSpace(zone) && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) && zone == "Asia/Shanghai" && cron == new SlaSweepOptions().Cron)
        {
            (cron, zone) = ("30 0 * * *", null); // no tz database: 08:30 China Standard Time is 00:30 UTC (no daylight saving since 1991)
        }
        builder.AddScheduledFunction<SlaSweepFunction>(SlaSweepFunction.Name, cron);
        builder.Services.PostConfigure<SchedulesOptions>(o =>
        {
            if (!o.Functions.TryGetValue(SlaSweepFunction.Name, out var s)) o.Functions[SlaSweepFunction.Name] = s = new ScheduleSettings();
            if (string.IsNullOrWhiteSpace(s.Cron)) s.Cron = cron;
            if (string.IsNullOrWhiteSpace(s.TimeZone)) s.TimeZone = zone;
        });
        return builder;
    }
}
