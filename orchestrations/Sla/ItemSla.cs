using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Sla;

/// <summary>An item's SLA at an instant (红黄灯).</summary>
/// <param name="Light">Green, yellow (within the margin), red (overdue); None when no clock runs.</param>
/// <param name="DueAt">The due instant in force (UTC), null when none.</param>
/// <param name="Provisional">The due instant touches a year without holiday data.</param>
/// <param name="DaysRemaining">Counted days left, today included; 0 when overdue.</param>
/// <param name="Clock">Which deadline is in force: decision, conversion, follow-up, rectification, joint-acceptance.</param>
public sealed record SlaReading(SlaLight Light, DateTimeOffset? DueAt, bool Provisional, int DaysRemaining, string Clock);

/// <summary>
/// Reads an item's SLA from its status with the domain clock calculator (Art. 82 working days, Asia/Shanghai).
/// Used by the item orchestration (when to warn, when it is overdue) and by the read side (lights), so both agree.
/// Precedence of deadlines: a joint meeting's follow-up deadline, then a rectification deadline, then the shared
/// joint-acceptance deadline, then the item's own clock (with pauses and the extension).
/// </summary>
public static class ItemSla
{
    /// <summary>The deadline in force and its name; null while no deadline runs (paused clock, closed item).</summary>
    public static (DateTimeOffset? DueAt, bool Provisional, string Clock) EffectiveDue(ItemStatus s, ItemClockCalculator calc)
    {
        if (s.FollowUpDueAt is { } f) return (f, false, "follow-up");
        if (s.RectifyBy is { } r) return (r, false, "rectification");
        if (s.SharedDueAt is { } shared && s.Purpose is ItemRoundPurpose.Acceptance or ItemRoundPurpose.CommitmentVerification)
            return (shared, false, "joint-acceptance");
        if (s.Clock is not { } clock || clock.IsStopped || clock.IsPaused) return (null, false, ClockName(s));
        var due = calc.DueAt(clock);
        return (due.Value, due.IsProvisional, ClockName(s));
    }

    private static string ClockName(ItemStatus s) => s.State == ItemState.Converting ? "conversion" : "decision";

    /// <summary>The SLA light of an item at <paramref name="at"/>.</summary>
    public static SlaReading Read(ItemStatus s, DateTimeOffset at, ItemClockCalculator calc)
    {
        if (!ItemStates.IsOpen(s.State))
        {
            var closedDue = s.Clock is { IsPaused: false } c ? calc.DueAt(c) : null;
            return new SlaReading(SlaLight.None, closedDue?.Value, closedDue?.IsProvisional ?? false, 0, ClockName(s));
        }
        var (due, provisional, name) = EffectiveDue(s, calc);
        if (due is null)
        {
            // Paused (special procedure, correction): the calculator projects the due instant as if resumed now.
            if (s.Clock is { } paused)
            {
                var reading = calc.Read(paused, at);
                return new SlaReading(Light(reading.State), reading.DueAt, reading.IsProvisional, reading.DaysRemaining, name);
            }
            return new SlaReading(SlaLight.None, null, false, 0, name);
        }
        if (name == "decision" || name == "conversion")
        {
            var reading = calc.Read(s.Clock!, at);
            return new SlaReading(Light(reading.State), reading.DueAt, reading.IsProvisional, reading.DaysRemaining, name);
        }
        // An override deadline (end of a working day): working days left, today included.
        if (at > due.Value) return new SlaReading(SlaLight.Red, due, provisional, 0, name);
        var remaining = WorkingDaysLeft(calc.Calendar, at, due.Value);
        var light = remaining <= calc.Options.WarningMarginDays ? SlaLight.Yellow : SlaLight.Green;
        return new SlaReading(light, due, provisional, remaining, name);
    }

    /// <summary>Working days from the local day of <paramref name="at"/> to the local day of <paramref name="due"/>, both included.</summary>
    public static int WorkingDaysLeft(WorkingCalendar calendar, DateTimeOffset at, DateTimeOffset due)
    {
        var today = ChinaTime.LocalDate(at);
        var dueDate = ChinaTime.LocalDate(due);
        return dueDate < today ? 0 : calendar.CountWorkingDays(today.AddDays(-1), dueDate).Value;
    }

    /// <summary>
    /// Working days late (0 when on time): working days after the due day up to the day of <paramref name="at"/>;
    /// at least 1 once past the due instant (a decision on a later non-working day is still late).
    /// </summary>
    public static int WorkingDaysLate(WorkingCalendar calendar, DateTimeOffset? due, DateTimeOffset at)
    {
        if (due is not { } d || at <= d) return 0;
        var n = calendar.CountWorkingDays(ChinaTime.LocalDate(d), ChinaTime.LocalDate(at)).Value;
        return Math.Max(1, n);
    }

    /// <summary>
    /// When the yellow light starts for a deadline: 00:00 (Asia/Shanghai) of the day on which the days left, today
    /// included, reach the margin; null when the margin is 0.
    /// </summary>
    public static DateTimeOffset? WarningStart(WorkingCalendar calendar, DateTimeOffset due, int marginDays, bool workingDays = true)
    {
        if (marginDays <= 0) return null;
        var d = ChinaTime.LocalDate(due);
        var n = 0;
        for (var guard = 0; guard < 400; guard++, d = d.AddDays(-1))
        {
            if (!workingDays || calendar.IsWorkingDay(d)) n++;
            if (n >= marginDays) return ChinaTime.StartOfDay(d);
        }
        return null;
    }

    public static SlaLight Light(SlaState state) => state switch
    {
        SlaState.Overdue => SlaLight.Red,
        SlaState.Warning => SlaLight.Yellow,
        _ => SlaLight.Green,
    };
}
