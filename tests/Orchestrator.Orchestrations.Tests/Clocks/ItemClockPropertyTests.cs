using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Clocks;

/// <summary>Clock properties over many random acceptances and pauses in 2025-2026 (fixed seed).</summary>
public class ItemClockPropertyTests
{
    private readonly ItemClockCalculator _calc = new(ShippedCalendar);

    private static IEnumerable<(ItemClock Clock, ItemClock Paused, int PausedWorkingDays)> Cases()
    {
        var rng = new Random(7);
        var origin = Bj("2025-01-02 00:00");
        for (var i = 0; i < 1000; i++)
        {
            var accepted = origin.AddMinutes(rng.Next(0, 560 * 24 * 60));
            var clock = ItemClock.Start("X", accepted, TimeLimit.WorkingDays(rng.Next(1, 30)));
            var pauseStart = accepted.AddMinutes(rng.Next(0, 10 * 24 * 60));
            var pauseEnd = pauseStart.AddMinutes(rng.Next(0, 15 * 24 * 60));
            var paused = clock.Pause(pauseStart, SpecialProcedure.ExpertReview, "review").Resume(pauseEnd);
            // Working days given back: [start day, end day).
            var given = 0;
            for (var d = ChinaTime.LocalDate(pauseStart); d < ChinaTime.LocalDate(pauseEnd); d = d.AddDays(1))
                if (ShippedCalendar.IsWorkingDay(d) && d > ShippedCalendar.DeemedAcceptanceDate(accepted)) given++;
            yield return (clock, paused, given);
        }
    }

    [Fact]
    public void A_pause_never_makes_the_due_instant_earlier()
    {
        foreach (var (clock, paused, _) in Cases())
            Assert.True(_calc.DueAt(paused).Value >= _calc.DueAt(clock).Value, $"{clock.AcceptedAt:u} {paused.Pauses[0]}");
    }

    [Fact]
    public void A_pause_before_the_due_date_moves_it_by_the_working_days_it_gives_back()
    {
        foreach (var (clock, paused, given) in Cases())
        {
            var due = ChinaTime.LocalDate(_calc.DueAt(clock).Value);
            if (ChinaTime.LocalDate(paused.Pauses[0].StartedAt) > due) continue;
            var expected = ShippedCalendar.AddWorkingDays(ShippedCalendar.DeemedAcceptanceDate(clock.AcceptedAt), clock.TotalDays + given).Value;
            Assert.True(expected == ChinaTime.LocalDate(_calc.DueAt(paused).Value), $"{clock.AcceptedAt:u} {paused.Pauses[0]} given {given}");
        }
    }

    [Fact]
    public void The_due_date_of_a_working_day_clock_is_always_a_working_day()
    {
        foreach (var (_, paused, _) in Cases())
            Assert.True(ShippedCalendar.IsWorkingDay(ChinaTime.LocalDate(_calc.DueAt(paused).Value)));
    }
}
