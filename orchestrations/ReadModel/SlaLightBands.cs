using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// The SLA light of a deadline by its local due date at an instant, for reads that have only dates or instants (counter
/// rows, a project row's MinOpenDueUtc): red once the due day has passed (deadlines fall at the end of a working day),
/// yellow while the working days left, today included, are within the margin, else green. The same rule as
/// <see cref="Sla.ItemSla"/> for deadlines at the end of a day, which every deadline of the lifecycle is.
/// </summary>
public sealed class SlaLightBands
{
    public SlaLightBands(WorkingCalendar calendar, int marginDays, DateTimeOffset now)
    {
        Now = now;
        Today = ChinaTime.LocalDate(now);
        // The first day whose working days left (today included) exceed the margin: due on or after it is green.
        var d = Today;
        for (var n = 0; ; d = d.AddDays(1))
        {
            if (calendar.IsWorkingDay(d)) n++;
            if (n > marginDays) break;
        }
        FirstGreenDay = d;
        YellowEndsUtc = ChinaTime.StartOfDay(d);
    }

    public DateTimeOffset Now { get; }
    public DateOnly Today { get; }
    public DateOnly FirstGreenDay { get; }
    /// <summary>Deadlines before this instant (and not yet passed) are yellow.</summary>
    public DateTimeOffset YellowEndsUtc { get; }

    public SlaLight ForDate(DateOnly due) => due < Today ? SlaLight.Red : due < FirstGreenDay ? SlaLight.Yellow : SlaLight.Green;

    public SlaLight ForInstant(DateTimeOffset due) => due < Now ? SlaLight.Red : due < YellowEndsUtc ? SlaLight.Yellow : SlaLight.Green;
}
