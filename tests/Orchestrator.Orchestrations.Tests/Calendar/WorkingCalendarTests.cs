using Orchestrator.Orchestrations.Calendar;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Calendar;

public class WorkingCalendarTests
{
    private readonly WorkingCalendar _cal = ShippedCalendar;

    [Theory]
    [InlineData("2026-02-13", 5, "2026-02-27")]   // across the Spring Festival, Feb 14 and 28 worked
    [InlineData("2026-09-18", 20, "2026-10-22")]  // Mid-Autumn and National Day
    [InlineData("2025-12-31", 1, "2026-01-04")]   // New Year, Sunday Jan 4 worked
    [InlineData("2026-04-30", 1, "2026-05-06")]   // Labour Day
    [InlineData("2025-09-26", 3, "2025-09-30")]   // Sunday Sep 28 worked
    [InlineData("2025-01-24", 5, "2025-02-07")]   // Spring Festival 2025, Sunday Jan 26 worked
    [InlineData("2026-01-05", 120, "2026-07-02")] // the national 120-working-day target
    public void Due_date_is_the_nth_working_day_after_the_acceptance_day(string accepted, int days, string due)
    {
        var result = _cal.AddWorkingDays(Bj(accepted + " 10:00"), days);

        Assert.Equal(D(due), ChinaTime.LocalDate(result.Value));
        Assert.False(result.IsProvisional);
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Each_loaded_year_has_248_working_days(int year) =>
        Assert.Equal(248, _cal.WorkingDaysInYear(year).Value);

    [Fact]
    public void Due_instant_is_the_end_of_the_last_working_day_in_Beijing_returned_as_UTC()
    {
        var due = _cal.AddWorkingDays(Bj("2026-02-13 10:00"), 5).Value;

        Assert.Equal(TimeSpan.Zero, due.Offset);
        Assert.Equal(new DateTimeOffset(2026, 2, 27, 15, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), due);
    }

    [Fact]
    public void Acceptance_day_is_taken_in_Beijing_time_not_UTC()
    {
        // 2026-02-12 17:30 UTC is 2026-02-13 01:30 in Beijing.
        var due = _cal.AddWorkingDays(new DateTimeOffset(2026, 2, 12, 17, 30, 0, TimeSpan.Zero), 5).Value;

        Assert.Equal(D("2026-02-27"), ChinaTime.LocalDate(due));
    }

    [Fact]
    public void A_limit_of_zero_days_is_due_at_the_end_of_the_acceptance_day() =>
        Assert.Equal(D("2026-03-04"), ChinaTime.LocalDate(_cal.AddWorkingDays(Bj("2026-03-04 09:00"), 0).Value));

    [Fact]
    public void Acceptance_on_a_non_working_day_counts_from_the_next_working_day()
    {
        // Saturday 2026-03-07: deemed accepted Monday 03-09 (not counted); day 1 is Tuesday.
        Assert.Equal(D("2026-03-10"), ChinaTime.LocalDate(_cal.AddWorkingDays(Bj("2026-03-07 11:00"), 1).Value));
        Assert.Equal(D("2026-03-09"), _cal.DeemedAcceptanceDate(Bj("2026-03-07 11:00")));
    }

    [Theory]
    [InlineData("2026-02-14", true)]  // Saturday made a working day
    [InlineData("2026-02-16", false)] // Monday in the Spring Festival
    [InlineData("2026-03-07", false)] // ordinary Saturday
    [InlineData("2026-03-09", true)]  // ordinary Monday
    [InlineData("2025-10-08", false)] // Wednesday, last day of the 2025 National Day holiday
    [InlineData("2025-10-11", true)]  // Saturday worked
    public void A_day_is_working_unless_weekend_or_holiday_with_adjusted_weekends_worked(string date, bool working) =>
        Assert.Equal(working, _cal.IsWorkingDay(D(date)));

    [Fact]
    public void A_result_touching_a_year_without_data_is_provisional_and_names_the_year()
    {
        var result = _cal.AddWorkingDays(Bj("2026-12-28 10:00"), 10);

        Assert.True(result.IsProvisional);
        Assert.Equal(new[] { 2027 }, result.MissingYears);
        Assert.Equal(D("2027-01-11"), ChinaTime.LocalDate(result.Value)); // weekends only
    }

    [Fact]
    public void A_year_without_data_uses_weekends_only_and_says_so()
    {
        var check = _cal.CheckWorkingDay(D("2027-01-01"));

        Assert.True(check.Value); // a Friday; the 2027 notice is not loaded
        Assert.True(check.IsProvisional);
        Assert.False(_cal.CheckWorkingDay(D("2026-01-01")).IsProvisional);
    }

    [Fact]
    public void Natural_days_count_every_day_and_are_never_provisional()
    {
        var result = _cal.AddNaturalDays(Bj("2026-02-13 10:00"), 10);

        Assert.Equal(D("2026-02-23"), ChinaTime.LocalDate(result.Value));
        Assert.False(result.IsProvisional);
        Assert.Equal(10, _cal.NaturalDaysElapsed(Bj("2026-02-13 10:00"), Bj("2026-02-23 18:00")).Value);
    }

    [Fact]
    public void Working_days_elapsed_does_not_count_the_acceptance_day()
    {
        Assert.Equal(0, _cal.WorkingDaysElapsed(Bj("2026-02-13 10:00"), Bj("2026-02-13 18:00")).Value);
        Assert.Equal(1, _cal.WorkingDaysElapsed(Bj("2026-02-13 10:00"), Bj("2026-02-14 09:00")).Value);
        Assert.Equal(5, _cal.WorkingDaysElapsed(Bj("2026-02-13 10:00"), Bj("2026-02-27 09:00")).Value);
    }

    [Fact]
    public void Counting_working_days_between_dates_excludes_the_start_and_includes_the_end()
    {
        Assert.Equal(248, _cal.CountWorkingDays(D("2025-12-31"), D("2026-12-31")).Value);
        Assert.Equal(-5, _cal.CountWorkingDays(D("2026-02-27"), D("2026-02-13")).Value);
    }
}
