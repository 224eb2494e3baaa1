using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds).</summary>
public sealed class SpringFestivalLifecycleTests
{
    private const string Code = "2602-620300-89-05-600006";

    [Fact]
    public async Task A_project_filed_on_the_working_Saturday_before_Spring_Festival_gets_deadlines_that_skip_the_holiday()
    {
        // 2026-02-14 is a working Saturday (调休); 02-15..02-23 is the Spring Festival holiday; 02-28 is a working Saturday.
        await using var t = await StartAsync(Bj("2026-02-14 00:30"));
        var view = await t.FileAsync(Request(Code));
        var filing = view.Items.Single(i => i.ItemCode == "S1-FILING");
        Assert.Equal(ItemState.Approved, filing.State); // 秒批 on the working Saturday
        Assert.Equal(new DateOnly(2026, 2, 14), ChinaTime.LocalDate(filing.DecidedAt!.Value));

        // Acceptance day not counted: 5 working days = 02-24, 25, 26, 27, 28 (Saturday, working).
        var lightning = view.Items.Single(i => i.ItemCode == "S1-LIGHTNING");
        Assert.Equal(new DateOnly(2026, 2, 28), lightning.Due!.DueDateLocal);
        Assert.Equal(Bj("2026-02-28 23:59").AddMinutes(1).AddTicks(-1), lightning.Due.DueAtUtc); // end of the day, Asia/Shanghai
        Assert.False(lightning.Due.Provisional);
        // 10 working days: … 02-28, 03-02, 03, 04, 05, 06.
        Assert.Equal(new DateOnly(2026, 3, 6), view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Due!.DueDateLocal);

        // Through the holiday nothing turns yellow; the daily sweep does not run on holidays.
        await t.AdvanceToAsync(Bj("2026-02-16 08:30"));
        var holiday = await t.Sweep.RunAsync(Bj("2026-02-16 08:30"));
        Assert.NotNull(holiday.Skipped);
        await t.AdvanceToAsync(Bj("2026-02-26 08:30"));
        Assert.Equal(SlaLight.Green, (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-LIGHTNING").Light);

        // Friday 02-27: two working days left (27, 28) → yellow; the sweep reminds MET that it is due on the next working day.
        await t.AdvanceToAsync(Bj("2026-02-27 08:30"));
        Assert.Equal(SlaLight.Yellow, (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-LIGHTNING").Light);
        var report = await t.Sweep.RunAsync(Bj("2026-02-27 08:30"));
        Assert.Null(report.Skipped);
        Assert.Contains(report.Board!.DueNextWorkingDay, e => e.ItemCode == "S1-LIGHTNING" && e.DepartmentCode == "MET");
        Assert.Contains(await t.NotificationsAsync(Code), n => n.Kind == "reminder-due-next-working-day" && n.Recipient == "department:MET");
        await t.Sweep.RunAsync(Bj("2026-02-27 08:35")); // a retried occurrence the same day reminds nobody twice
        Assert.Single(await t.NotificationsAsync(Code), n => n.Kind == "reminder-due-next-working-day" && n.Recipient == "department:MET");
        // The item's own warning came when it turned yellow, not during the holiday.
        var warning = await t.WaitForValueAsync(() => t.NotificationsAsync(Code), l => l.Any(n => n.Kind == "sla-warning" && n.Recipient == "department:MET"),
            "the SLA warning to MET", Bj("2026-02-28 00:00"));
        Assert.All(warning.Where(n => n.Kind == "sla-warning"), n => Assert.True(ChinaTime.LocalDate(n.CreatedAt) >= new DateOnly(2026, 2, 27), $"warning at {n.CreatedAt}"));

        // The working Saturday 02-28: the sweep runs, the item is due today; decided that day it is on time.
        await t.AdvanceToAsync(Bj("2026-02-28 00:30"));
        report = await t.Sweep.RunAsync(Bj("2026-02-28 08:30"));
        Assert.Null(report.Skipped);
        Assert.Contains(report.Board!.DueToday, e => e.ItemCode == "S1-LIGHTNING");
        await t.ApproveAsync(Code, "S1-LIGHTNING");
        var decided = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-LIGHTNING");
        Assert.Equal(0, decided.WorkingDaysLate);
        Assert.Equal(new DateOnly(2026, 2, 28), ChinaTime.LocalDate(decided.DecidedAt!.Value));
        Assert.Empty((await t.ProjectAsync(Code)).Escalations);

        // Sunday 03-01 is not a working day: no sweep.
        Assert.NotNull((await t.Sweep.RunAsync(Bj("2026-03-01 08:30"))).Skipped);
    }
}
