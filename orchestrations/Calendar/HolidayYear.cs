namespace Orchestrator.Orchestrations.Calendar;

/// <summary>Kind of a day in the working-day calendar.</summary>
public enum DayKind
{
    /// <summary>Monday to Friday, not a holiday.</summary>
    Weekday,
    /// <summary>Saturday or Sunday, not adjusted.</summary>
    Weekend,
    /// <summary>Statutory holiday or a rest day of the holiday arrangement (法定节假日/调休放假).</summary>
    Holiday,
    /// <summary>A Saturday or Sunday made a working day by the notice (调休上班).</summary>
    WorkingWeekend,
}

/// <summary>A named holiday period of one year (e.g. 春节 2026-02-15..2026-02-23), inclusive.</summary>
public sealed record HolidayPeriod(string Name, DateOnly From, DateOnly To);

/// <summary>
/// One year's holiday arrangement from the State Council notice (国务院办公厅关于…部分节假日安排的通知):
/// holiday periods and the weekend days that are worked instead.
/// </summary>
public sealed record HolidayYear(int Year, string Source, IReadOnlyList<HolidayPeriod> Holidays, IReadOnlyList<DateOnly> WorkingWeekends)
{
    /// <summary>Every holiday date of the year.</summary>
    public IEnumerable<DateOnly> HolidayDates =>
        Holidays.SelectMany(h => Enumerable.Range(0, h.To.DayNumber - h.From.DayNumber + 1).Select(h.From.AddDays));
}
