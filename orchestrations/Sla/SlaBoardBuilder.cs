using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Sla;

/// <summary>Builds the SLA board (红黄灯) from project statuses at an instant. Pure.</summary>
public static class SlaBoardBuilder
{
    public static SlaBoard Build(IEnumerable<ProjectStatus> projects, DateTimeOffset now, ItemClockCalculator calc)
    {
        var today = ChinaTime.LocalDate(now);
        var nextWorkingDay = calc.Calendar.NextWorkingDayOnOrAfter(today.AddDays(1));
        var entries = new List<SlaBoardEntry>();
        foreach (var p in projects)
        foreach (var item in p.Items.Where(i => ItemStates.IsOpen(i.State)))
        {
            var sla = ItemSla.Read(item, now, calc);
            if (sla.DueAt is not { } due) continue;
            var escalated = p.Escalations.Any(e => e.State == EscalationState.Open && e.ItemCodes.Contains(item.Item.Code));
            entries.Add(new SlaBoardEntry(p.ProjectCode, item.Item.Code, item.Item.DepartmentCode, item.State, sla.Light, due, ChinaTime.LocalDate(due),
                sla.Provisional, sla.DaysRemaining, ItemSla.WorkingDaysLate(calc.Calendar, due, now), escalated, sla.Clock));
        }
        bool Today(SlaBoardEntry e) => e.DueDateLocal == today;
        bool Next(SlaBoardEntry e) => e.DueDateLocal > today && e.DueDateLocal <= nextWorkingDay;
        var departments = entries.GroupBy(e => e.DepartmentCode).OrderBy(g => g.Key)
            .Select(g => new SlaBoardDepartment(g.Key, g.Count(e => e.Light == SlaLight.Green), g.Count(e => e.Light == SlaLight.Yellow),
                g.Count(e => e.Light == SlaLight.Red), g.OrderBy(e => e.DueAtUtc).ToList(), g.Count(Today), g.Count(Next)))
            .ToList();
        return new SlaBoard(now, today,
            entries.Count(e => e.Light == SlaLight.Green), entries.Count(e => e.Light == SlaLight.Yellow), entries.Count(e => e.Light == SlaLight.Red),
            departments,
            entries.Where(e => e.Light != SlaLight.Red && Today(e)).OrderBy(e => e.DueAtUtc).ToList(),
            entries.Where(e => e.Light != SlaLight.Red && Next(e)).OrderBy(e => e.DueAtUtc).ToList(),
            entries.Where(e => e.Light == SlaLight.Red && !e.Escalated).OrderBy(e => e.DueAtUtc).ToList(),
            entries.Count(Today), entries.Count(Next));
    }
}
