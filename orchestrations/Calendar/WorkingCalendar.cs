namespace Orchestrator.Orchestrations.Calendar;

/// <summary>
/// Working-day calendar for mainland China (工作日历). Art. 82 of the Administrative Licensing Law
/// (行政许可法第八十二条): limits count working days, excluding statutory holidays.
/// Pure and deterministic: no clock reads, instants come in as arguments (UTC) and local dates are
/// taken in Asia/Shanghai.
/// </summary>
/// <remarks>
/// Boundary rules (see orchestrations/README.md):
/// the acceptance day is not counted; a working-day item is due at the end (last tick) of its last
/// working day; acceptance on a non-working day is deemed to happen on the next working day (which is
/// itself not counted); a limit of 0 days is due at the end of the (deemed) acceptance day.
/// Years with no loaded notice fall back to weekends only and make the result provisional.
/// </remarks>
public sealed class WorkingCalendar
{
    private readonly Dictionary<int, HolidayYear> _years;
    private readonly HashSet<DateOnly> _holidays = new();
    private readonly HashSet<DateOnly> _workingWeekends = new();

    public WorkingCalendar(IEnumerable<HolidayYear> years)
    {
        _years = new Dictionary<int, HolidayYear>();
        foreach (var y in years)
        {
            if (!_years.TryAdd(y.Year, y))
                throw new ArgumentException($"Holiday data for {y.Year} given twice.", nameof(years));
            foreach (var d in y.HolidayDates) _holidays.Add(d);
            foreach (var d in y.WorkingWeekends) _workingWeekends.Add(d);
        }
    }

    /// <summary>Years that have holiday data loaded.</summary>
    public IReadOnlyCollection<int> LoadedYears => _years.Keys.Order().ToList();

    /// <summary>The loaded notice of a year, or null.</summary>
    public HolidayYear? GetYear(int year) => _years.GetValueOrDefault(year);

    /// <summary>True when the year's holiday notice is loaded.</summary>
    public bool HasDataFor(int year) => _years.ContainsKey(year);

    /// <summary>Kind of a local date (weekends-only for years without data).</summary>
    public DayKind GetDayKind(DateOnly date)
    {
        if (_holidays.Contains(date)) return DayKind.Holiday;
        if (_workingWeekends.Contains(date)) return DayKind.WorkingWeekend;
        return date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? DayKind.Weekend : DayKind.Weekday;
    }

    /// <summary>Is this local date a working day (工作日)? For a year without data only weekends are excluded; use <see cref="CheckWorkingDay"/> to know.</summary>
    public bool IsWorkingDay(DateOnly date) => GetDayKind(date) is DayKind.Weekday or DayKind.WorkingWeekend;

    /// <summary>Is this local date a working day, marked provisional when its year has no data.</summary>
    public CalendarResult<bool> CheckWorkingDay(DateOnly date) => new(IsWorkingDay(date), Missing(date.Year, date.Year));

    /// <summary>Is the local date (Asia/Shanghai) of this instant a working day?</summary>
    public CalendarResult<bool> CheckWorkingDay(DateTimeOffset instant) => CheckWorkingDay(ChinaTime.LocalDate(instant));

    /// <summary>The first working day on or after <paramref name="date"/>.</summary>
    public DateOnly NextWorkingDayOnOrAfter(DateOnly date)
    {
        while (!IsWorkingDay(date)) date = date.AddDays(1);
        return date;
    }

    /// <summary>
    /// The day from which working days are counted for something accepted at <paramref name="acceptedAt"/>:
    /// the local acceptance date, or the next working day when acceptance happened on a non-working day.
    /// That day itself is never counted.
    /// </summary>
    public DateOnly DeemedAcceptanceDate(DateTimeOffset acceptedAt) => NextWorkingDayOnOrAfter(ChinaTime.LocalDate(acceptedAt));

    /// <summary>The <paramref name="days"/>-th working day after <paramref name="start"/> (start not counted); <paramref name="start"/> itself for 0.</summary>
    public CalendarResult<DateOnly> AddWorkingDays(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var d = start;
        for (var counted = 0; counted < days;)
        {
            d = d.AddDays(1);
            if (IsWorkingDay(d)) counted++;
        }
        return new(d, Missing(start.Year, d.Year));
    }

    /// <summary>
    /// Due instant of a working-day limit (Art. 82): the end of the <paramref name="days"/>-th working day
    /// after the (deemed) acceptance day, Asia/Shanghai, returned as UTC.
    /// </summary>
    public CalendarResult<DateTimeOffset> AddWorkingDays(DateTimeOffset acceptedAt, int days)
    {
        var acceptedLocal = ChinaTime.LocalDate(acceptedAt);
        var start = DeemedAcceptanceDate(acceptedAt);
        var last = AddWorkingDays(start, days);
        return new(ChinaTime.EndOfDay(last.Value), Missing(acceptedLocal.Year, last.Value.Year));
    }

    /// <summary>Due instant of a natural-day limit: the end of the local day <paramref name="days"/> days after the acceptance day (acceptance day not counted).</summary>
    public CalendarResult<DateTimeOffset> AddNaturalDays(DateTimeOffset acceptedAt, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var last = ChinaTime.LocalDate(acceptedAt).AddDays(days);
        return new(ChinaTime.EndOfDay(last), Array.Empty<int>());
    }

    /// <summary>Working days d with <paramref name="fromExclusive"/> &lt; d ≤ <paramref name="toInclusive"/> (negative when to is before from).</summary>
    public CalendarResult<int> CountWorkingDays(DateOnly fromExclusive, DateOnly toInclusive)
    {
        if (toInclusive < fromExclusive)
        {
            var r = CountWorkingDays(toInclusive, fromExclusive);
            return new(-r.Value, r.MissingYears);
        }
        var n = 0;
        for (var d = fromExclusive.AddDays(1); d <= toInclusive; d = d.AddDays(1))
            if (IsWorkingDay(d)) n++;
        return new(n, Missing(fromExclusive.Year, toInclusive.Year));
    }

    /// <summary>Working days between two instants: local days after the day of <paramref name="from"/> up to and including the day of <paramref name="to"/>.</summary>
    public CalendarResult<int> CountWorkingDays(DateTimeOffset from, DateTimeOffset to) =>
        CountWorkingDays(ChinaTime.LocalDate(from), ChinaTime.LocalDate(to));

    /// <summary>Natural days between the local days of two instants (negative when <paramref name="to"/> is earlier).</summary>
    public static int CountNaturalDays(DateTimeOffset from, DateTimeOffset to) =>
        ChinaTime.LocalDate(to).DayNumber - ChinaTime.LocalDate(from).DayNumber;

    /// <summary>
    /// Working days elapsed from acceptance up to and including the local day of <paramref name="at"/>
    /// (acceptance day not counted; 0 on or before the deemed acceptance day). Inverse of
    /// <see cref="AddWorkingDays(DateTimeOffset,int)"/>: elapsed(acc, due(acc, n)) = n.
    /// </summary>
    public CalendarResult<int> WorkingDaysElapsed(DateTimeOffset acceptedAt, DateTimeOffset at)
    {
        var start = DeemedAcceptanceDate(acceptedAt);
        var end = ChinaTime.LocalDate(at);
        var r = CountWorkingDays(start, end);
        return new(Math.Max(0, r.Value), Missing(ChinaTime.LocalDate(acceptedAt).Year, Math.Max(end.Year, start.Year)));
    }

    /// <summary>Natural days elapsed from the acceptance day (not counted) to the local day of <paramref name="at"/>; 0 if earlier.</summary>
    public CalendarResult<int> NaturalDaysElapsed(DateTimeOffset acceptedAt, DateTimeOffset at)
    {
        var n = ChinaTime.LocalDate(at).DayNumber - ChinaTime.LocalDate(acceptedAt).DayNumber;
        return new(Math.Max(0, n), Array.Empty<int>());
    }

    /// <summary>Number of working days in a year (e.g. 248 for 2025 and for 2026).</summary>
    public CalendarResult<int> WorkingDaysInYear(int year)
    {
        var count = CountWorkingDays(new DateOnly(year, 1, 1).AddDays(-1), new DateOnly(year, 12, 31)).Value;
        return new(count, Missing(year, year));
    }

    internal IReadOnlyList<int> Missing(int fromYear, int toYear)
    {
        if (toYear < fromYear) (fromYear, toYear) = (toYear, fromYear);
        List<int>? missing = null;
        for (var y = fromYear; y <= toYear; y++)
            if (!_years.ContainsKey(y)) (missing ??= new()).Add(y);
        return missing is null ? Array.Empty<int>() : missing;
    }
}
