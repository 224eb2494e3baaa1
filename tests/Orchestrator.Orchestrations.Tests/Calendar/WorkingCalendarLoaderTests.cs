using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Tests.Support;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Calendar;

public class WorkingCalendarLoaderTests
{
    private const string Good = """
        {
          "year": 2026,
          "source": "test notice",
          "holidays": [ { "name": "New Year", "from": "2026-01-01", "to": "2026-01-03" } ],
          "workingWeekends": [ "2026-01-04" ]
        }
        """;

    private static DomainDataException Fails(string json, string name = "2026.json") =>
        Assert.Throws<DomainDataException>(() => WorkingCalendarLoader.LoadYear(Stream(json), name));

    [Fact]
    public void The_shipped_calendar_loads_2025_and_2026() =>
        Assert.Equal(new[] { 2025, 2026 }, ShippedCalendar.LoadedYears);

    [Fact]
    public void A_replacement_year_file_changes_the_calendar_without_a_rebuild()
    {
        using var folder = new TempFolder();
        folder.Write("2026.json", Good);
        var cal = WorkingCalendarLoader.LoadFolder(folder.Path);

        Assert.True(cal.IsWorkingDay(D("2026-01-04")));
        Assert.True(cal.IsWorkingDay(D("2026-02-16"))); // no Spring Festival in this file
    }

    [Fact]
    public void Invalid_JSON_names_the_file_and_the_line()
    {
        var ex = Fails("{\n  \"year\": 2026,\n  \"source\": \"x\"\n  \"holidays\": []\n}");
        Assert.Equal("2026.json", ex.File);
        Assert.Equal("line 4", ex.Location);
    }

    [Fact]
    public void An_impossible_date_names_the_line()
    {
        var ex = Fails("{\n\"year\": 2026,\n\"source\": \"x\",\n\"holidays\": [ { \"name\": \"a\", \"from\": \"2026-02-30\" } ]\n}");
        Assert.Equal("line 4", ex.Location);
    }

    [Fact]
    public void An_unknown_field_is_rejected() =>
        Assert.Contains("holliday", Fails("""{ "year": 2026, "source": "x", "holidays": [], "holliday": 1 }""").Message);

    [Fact]
    public void A_missing_year_is_rejected() =>
        Assert.Equal("year", Fails("""{ "source": "x", "holidays": [] }""").Location);

    [Fact]
    public void A_missing_source_is_rejected() =>
        Assert.Contains("source", Fails("""{ "year": 2026, "holidays": [] }""").Problem);

    [Fact]
    public void A_working_weekend_that_is_not_a_weekend_day_names_the_entry()
    {
        var ex = Fails("""{ "year": 2026, "source": "x", "holidays": [], "workingWeekends": ["2026-01-04", "2026-01-05"] }""");
        Assert.Equal("workingWeekends[1] (2026-01-05)", ex.Location);
        Assert.Contains("Monday", ex.Problem);
    }

    [Fact]
    public void A_holiday_ending_before_it_starts_names_the_holiday()
    {
        var ex = Fails("""{ "year": 2026, "source": "x", "holidays": [ { "name": "Labour Day", "from": "2026-05-05", "to": "2026-05-01" } ] }""");
        Assert.Equal("holidays[0] (Labour Day)", ex.Location);
        Assert.Contains("before", ex.Problem);
    }

    [Fact]
    public void A_holiday_outside_the_year_is_rejected() =>
        Assert.Contains("not in year 2026", Fails("""{ "year": 2026, "source": "x", "holidays": [ { "name": "a", "from": "2025-05-01", "to": "2025-05-02" } ] }""").Problem);

    [Fact]
    public void A_date_both_holiday_and_working_weekend_is_rejected() =>
        Assert.Contains("also a holiday", Fails("""{ "year": 2026, "source": "x", "holidays": [ { "name": "a", "from": "2026-01-03", "to": "2026-01-04" } ], "workingWeekends": ["2026-01-04"] }""").Problem);

    [Fact]
    public void Overlapping_holidays_are_rejected() =>
        Assert.Contains("already a holiday", Fails("""{ "year": 2026, "source": "x", "holidays": [ { "name": "a", "from": "2026-05-01", "to": "2026-05-03" }, { "name": "b", "from": "2026-05-03", "to": "2026-05-04" } ] }""").Problem);

    [Fact]
    public void A_file_named_for_another_year_is_rejected()
    {
        using var folder = new TempFolder();
        var path = folder.Write("2027.json", Good);
        var ex = Assert.Throws<DomainDataException>(() => WorkingCalendarLoader.LoadFolder(folder.Path));
        Assert.Equal(path, ex.File);
        Assert.Contains("named 2027", ex.Problem);
    }

    [Fact]
    public void The_same_year_in_two_files_is_rejected()
    {
        using var folder = new TempFolder();
        folder.Write("a.json", Good);
        folder.Write("b.json", Good);
        Assert.Contains("already loaded", Assert.Throws<DomainDataException>(() => WorkingCalendarLoader.LoadFolder(folder.Path)).Problem);
    }

    [Fact]
    public void A_missing_folder_is_named() =>
        Assert.Contains("does not exist", Assert.Throws<DomainDataException>(() => WorkingCalendarLoader.LoadFolder("/nonexistent/calendar")).Message);
}
