using Orchestrator.Orchestrations.Calendar;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Calendar;

/// <summary>Properties over many random acceptance instants in 2025-2026 (fixed seed: failures are reproducible).</summary>
public class WorkingCalendarPropertyTests
{
    private const int Cases = 2000;
    private readonly WorkingCalendar _cal = ShippedCalendar;

    private static IEnumerable<(DateTimeOffset Accepted, int Days)> RandomCases(int seed)
    {
        var rng = new Random(seed);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();
        for (var i = 0; i < Cases; i++)
            yield return (start.AddMinutes(rng.Next(0, 600 * 24 * 60)), rng.Next(0, 60));
    }

    [Fact]
    public void Adding_n_working_days_then_counting_back_gives_n()
    {
        foreach (var (accepted, n) in RandomCases(1))
        {
            var due = _cal.AddWorkingDays(accepted, n).Value;
            Assert.True(n == _cal.WorkingDaysElapsed(accepted, due).Value, $"accepted {accepted:u} + {n}");
        }
    }

    [Fact]
    public void The_due_date_never_lands_on_a_non_working_day()
    {
        foreach (var (accepted, n) in RandomCases(2))
        {
            var due = ChinaTime.LocalDate(_cal.AddWorkingDays(accepted, n).Value);
            Assert.True(_cal.IsWorkingDay(due), $"accepted {accepted:u} + {n} = {due} is not a working day");
        }
    }

    [Fact]
    public void More_days_give_a_strictly_later_due_date()
    {
        foreach (var (accepted, n) in RandomCases(3))
            Assert.True(_cal.AddWorkingDays(accepted, n).Value < _cal.AddWorkingDays(accepted, n + 1).Value, $"accepted {accepted:u} + {n}");
    }

    [Fact]
    public void A_later_acceptance_never_gives_an_earlier_due_date()
    {
        var rng = new Random(4);
        foreach (var (accepted, n) in RandomCases(4))
        {
            var later = accepted.AddHours(rng.Next(1, 24 * 10));
            Assert.True(_cal.AddWorkingDays(accepted, n).Value <= _cal.AddWorkingDays(later, n).Value, $"{accepted:u} vs {later:u} + {n}");
        }
    }

    [Fact]
    public void The_due_instant_is_always_the_last_tick_of_a_Beijing_day()
    {
        foreach (var (accepted, n) in RandomCases(5))
        {
            var due = _cal.AddWorkingDays(accepted, n).Value;
            Assert.Equal(ChinaTime.LocalDate(due).AddDays(1), ChinaTime.LocalDate(due.AddTicks(1)));
        }
    }
}
