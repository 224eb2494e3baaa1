using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.Orchestrations.Calendar;

/// <summary>
/// Loads the per-year holiday notices (one JSON file per year, e.g. <c>data/calendar/2026.json</c>) into a
/// <see cref="WorkingCalendar"/>. Bad data fails here with a <see cref="DomainDataException"/>.
/// </summary>
public static class WorkingCalendarLoader
{
    /// <summary>Loads every <c>*.json</c> file of a folder (one year each).</summary>
    public static WorkingCalendar LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DomainDataException(folder, "folder", "the calendar folder does not exist");
        var years = new List<HolidayYear>();
        var files = new Dictionary<int, string>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var year = LoadYear(stream, file);
            var stem = Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(stem, out var named) && named != year.Year)
                throw new DomainDataException(file, "year", $"the file is named {named} but holds year {year.Year}");
            if (files.TryGetValue(year.Year, out var other))
                throw new DomainDataException(file, "year", $"year {year.Year} is already loaded from {other}");
            files[year.Year] = file;
            years.Add(year);
        }
        return new WorkingCalendar(years);
    }

    /// <summary>Loads several year files by path.</summary>
    public static WorkingCalendar LoadFiles(params string[] paths) =>
        new(paths.Select(p => { using var s = OpenOrFail(p); return LoadYear(s, p); }));

    /// <summary>Reads and validates one year's notice from a stream; <paramref name="sourceName"/> names it in errors.</summary>
    public static HolidayYear LoadYear(Stream stream, string sourceName)
    {
        var dto = DomainJson.Read<YearFile>(stream, sourceName);
        return Validate(dto, sourceName);
    }

    private static Stream OpenOrFail(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new DomainDataException(path, "file", "the file does not exist");

    private static HolidayYear Validate(YearFile f, string src)
    {
        if (f.Year is null) throw new DomainDataException(src, "year", "\"year\" is missing");
        var year = f.Year.Value;
        if (year is < 2000 or > 2100) throw new DomainDataException(src, "year", $"year {year} is out of range 2000-2100");
        if (string.IsNullOrWhiteSpace(f.Source))
            throw new DomainDataException(src, "source", "\"source\" is missing: cite the State Council notice the data comes from");
        if (f.Holidays is null) throw new DomainDataException(src, "holidays", "\"holidays\" is missing");

        var seen = new Dictionary<DateOnly, string>();
        var periods = new List<HolidayPeriod>();
        for (var i = 0; i < f.Holidays.Count; i++)
        {
            var h = f.Holidays[i];
            var at = $"holidays[{i}]" + (string.IsNullOrWhiteSpace(h?.Name) ? "" : $" ({h!.Name})");
            if (h is null) throw new DomainDataException(src, at, "the entry is null");
            if (string.IsNullOrWhiteSpace(h.Name)) throw new DomainDataException(src, at, "\"name\" is missing");
            if (h.From is null) throw new DomainDataException(src, at, "\"from\" is missing");
            var to = h.To ?? h.From.Value;
            if (to < h.From) throw new DomainDataException(src, at, $"\"to\" {to:yyyy-MM-dd} is before \"from\" {h.From:yyyy-MM-dd}");
            if (to.Year != year && h.From.Value.Year != year)
                throw new DomainDataException(src, at, $"the period {h.From:yyyy-MM-dd}..{to:yyyy-MM-dd} is not in year {year}");
            if (to.DayNumber - h.From.Value.DayNumber > 31)
                throw new DomainDataException(src, at, "the period is longer than 31 days; check the dates");
            for (var d = h.From.Value; d <= to; d = d.AddDays(1))
                if (!seen.TryAdd(d, at))
                    throw new DomainDataException(src, at, $"{d:yyyy-MM-dd} is already a holiday in {seen[d]}");
            periods.Add(new HolidayPeriod(h.Name.Trim(), h.From.Value, to));
        }

        var weekends = new List<DateOnly>();
        var list = f.WorkingWeekends ?? new List<DateOnly?>();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"workingWeekends[{i}]";
            if (list[i] is not DateOnly d) throw new DomainDataException(src, at, "the date is null");
            at += $" ({d:yyyy-MM-dd})";
            if (d.Year != year) throw new DomainDataException(src, at, $"the date is not in year {year}");
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                throw new DomainDataException(src, at, $"{d:yyyy-MM-dd} is a {d.DayOfWeek}, not a weekend day; only a Saturday or Sunday can be made a working day");
            if (seen.TryGetValue(d, out var holiday))
                throw new DomainDataException(src, at, $"the date is also a holiday in {holiday}");
            if (weekends.Contains(d)) throw new DomainDataException(src, at, "the date is listed twice");
            weekends.Add(d);
        }
        return new HolidayYear(year, f.Source.Trim(), periods, weekends);
    }

    private sealed class YearFile
    {
        public int? Year { get; set; }
        public string? Source { get; set; }
        public List<PeriodDto?>? Holidays { get; set; }
        public List<DateOnly?>? WorkingWeekends { get; set; }
    }

    private sealed class PeriodDto
    {
        public string? Name { get; set; }
        public DateOnly? From { get; set; }
        public DateOnly? To { get; set; }
    }
}
