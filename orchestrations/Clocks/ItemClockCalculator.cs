using Orchestrator.Orchestrations.Calendar;

namespace Orchestrator.Orchestrations.Clocks;

/// <summary>
/// Reads item clocks against the working-day calendar: due instant, elapsed and remaining days, SLA state.
/// Deterministic: the instant is always an argument.
/// </summary>
/// <remarks>
/// Boundary rules (orchestrations/README.md):
/// <list type="bullet">
/// <item>The acceptance day is not counted; acceptance on a non-working day counts from the next working day (working-day limits).</item>
/// <item>Due at the end (last tick) of the last counted day; a stop exactly at the due instant is on time.</item>
/// <item>A pause excludes the days from the day it starts up to, not including, the day it ends: the start day is given back,
/// counting resumes on the resume day. A pause that starts and ends on the same day excludes nothing.</item>
/// <item>Only events recorded at or before the instant read are taken into account.</item>
/// <item>Warning when the days left, today included, are at most <see cref="ClockOptions.WarningMarginDays"/>.</item>
/// </list>
/// </remarks>
public sealed class ItemClockCalculator(WorkingCalendar calendar, ClockOptions options)
{
    public ItemClockCalculator(WorkingCalendar calendar) : this(calendar, new ClockOptions()) { }

    public WorkingCalendar Calendar { get; } = calendar;
    public ClockOptions Options { get; } = options;

    /// <summary>The due instant with every recorded event. Throws while paused (use <see cref="Read"/> for a projection).</summary>
    public CalendarResult<DateTimeOffset> DueAt(ItemClock clock)
    {
        if (clock.IsPaused)
            throw new ClockRuleException($"Item {clock.ItemCode}: the clock is paused; the due instant is known only when it resumes. Use Read(clock, at) for a projection.");
        var view = View(clock, DateTimeOffset.MaxValue);
        return new(ChinaTime.EndOfDay(view.DueDate), view.Missing);
    }

    /// <summary>True when the clock stopped at or before its due instant.</summary>
    public bool StoppedOnTime(ItemClock clock)
    {
        if (clock.StoppedAt is not { } stopped) throw new ClockRuleException($"Item {clock.ItemCode}: the clock has not stopped.");
        return stopped <= DueAt(clock).Value;
    }

    /// <summary>Reads the clock at an instant: SLA state, due instant, elapsed and remaining days.</summary>
    public ClockReading Read(ItemClock clock, DateTimeOffset at)
    {
        var view = View(clock, at);
        var due = ChinaTime.EndOfDay(view.DueDate);
        var stoppedAt = clock.StoppedAt is { } s && s <= at ? s : (DateTimeOffset?)null;
        var effective = stoppedAt ?? at;
        var today = ChinaTime.LocalDate(effective);

        var elapsed = 0;
        for (var d = view.Start.AddDays(1); d <= today && d <= view.DueDate; d = d.AddDays(1))
            if (view.Counts(d)) elapsed++;
        if (today > view.DueDate) elapsed = view.Total + CountAfterDue(view, today);

        var remaining = 0;
        if (effective <= due)
        {
            var from = today > view.Start ? today : view.Start.AddDays(1);
            for (var d = from; d <= view.DueDate; d = d.AddDays(1))
                if (view.Counts(d)) remaining++;
        }

        SlaState state;
        if (effective > due) state = SlaState.Overdue;
        else if (stoppedAt is not null) state = SlaState.Normal;
        else state = remaining <= Options.WarningMarginDays ? SlaState.Warning : SlaState.Normal;

        return new ClockReading(at, state, due, elapsed, remaining, view.PausedAt, stoppedAt is not null, view.Missing);
    }

    private static int CountAfterDue(ClockView view, DateOnly today)
    {
        var n = 0;
        for (var d = view.DueDate.AddDays(1); d <= today; d = d.AddDays(1))
            if (view.Counts(d)) n++;
        return n;
    }

    private ClockView View(ItemClock clock, DateTimeOffset at)
    {
        var working = clock.Limit.Unit == DayUnit.WorkingDays;
        var start = working ? Calendar.DeemedAcceptanceDate(clock.AcceptedAt) : ChinaTime.LocalDate(clock.AcceptedAt);

        var excluded = new List<(DateOnly From, DateOnly Until)>();
        var pausedAt = false;
        foreach (var p in clock.Pauses)
        {
            if (p.StartedAt > at) break;
            var endedKnown = p.EndedAt is { } e && e <= at;
            var end = endedKnown ? p.EndedAt!.Value : at;
            if (!endedKnown) pausedAt = true;
            excluded.Add((ChinaTime.LocalDate(p.StartedAt), ChinaTime.LocalDate(end)));
        }

        var total = clock.Limit.Days + (clock.Extension is { } x && x.GrantedAt <= at ? x.Days : 0);
        var view = new ClockView(start, excluded, working ? Calendar : null, pausedAt);
        var d = start;
        for (var counted = 0; counted < total;)
        {
            d = d.AddDays(1);
            if (view.Counts(d)) counted++;
        }
        view.DueDate = d;
        view.Total = total;
        view.Missing = working ? Calendar.Missing(ChinaTime.LocalDate(clock.AcceptedAt).Year, d.Year) : Array.Empty<int>();
        return view;
    }

    private sealed class ClockView(DateOnly start, List<(DateOnly From, DateOnly Until)> excluded, WorkingCalendar? calendar, bool pausedAt)
    {
        public DateOnly Start { get; } = start;
        public bool PausedAt { get; } = pausedAt;
        public DateOnly DueDate { get; set; }
        public int Total { get; set; }
        public IReadOnlyList<int> Missing { get; set; } = Array.Empty<int>();

        public bool Counts(DateOnly d)
        {
            if (calendar is not null && !calendar.IsWorkingDay(d)) return false;
            foreach (var (from, until) in excluded)
                if (d >= from && d < until) return false;
            return true;
        }
    }
}
