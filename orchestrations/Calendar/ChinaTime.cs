namespace Orchestrator.Orchestrations.Calendar;

/// <summary>
/// China Standard Time (Asia/Shanghai, 北京时间). Working-day rules are decided on the local date in this zone;
/// instants go in and come out as UTC.
/// </summary>
public static class ChinaTime
{
    /// <summary>The Asia/Shanghai zone (falls back to a fixed UTC+8 zone if the host has no tz database; China has had no DST since 1991).</summary>
    public static TimeZoneInfo Zone { get; } = FindZone();

    private static TimeZoneInfo FindZone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"); }
        catch (TimeZoneNotFoundException) { }
        catch (InvalidTimeZoneException) { }
        return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
    }

    /// <summary>The local calendar date of an instant in Asia/Shanghai.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The local date of a <see cref="DateTime"/>; an unspecified kind is taken as UTC.</summary>
    public static DateOnly LocalDate(DateTime utc) => LocalDate(ToOffset(utc));

    /// <summary>Start of a local day (00:00 Asia/Shanghai) as a UTC instant.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, Zone), TimeSpan.Zero);
    }

    /// <summary>
    /// End of a local day as a UTC instant: the last tick of the day (23:59:59.9999999 Asia/Shanghai).
    /// A decision at or before this instant is on time.
    /// </summary>
    public static DateTimeOffset EndOfDay(DateOnly date) => StartOfDay(date.AddDays(1)).AddTicks(-1);

    internal static DateTimeOffset ToOffset(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
