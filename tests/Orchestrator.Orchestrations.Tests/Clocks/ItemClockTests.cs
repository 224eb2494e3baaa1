using System.Text.Json;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Clocks;

public class ItemClockTests
{
    private readonly ItemClockCalculator _calc = new(ShippedCalendar, new ClockOptions());

    // Monday 2026-03-02, 5 working days → due Monday 2026-03-09 (end of day).
    private static ItemClock FiveDayClock() => ItemClock.Start("S3-FIRE-DESIGN", Bj("2026-03-02 10:00"), TimeLimit.WorkingDays(5));

    private DateOnly DueDate(ItemClock clock) => ChinaTime.LocalDate(_calc.DueAt(clock).Value);

    [Fact]
    public void Without_pauses_the_clock_is_due_when_the_calendar_says()
    {
        Assert.Equal(D("2026-03-09"), DueDate(FiveDayClock()));
        Assert.Equal(ShippedCalendar.AddWorkingDays(Bj("2026-03-02 10:00"), 5).Value, _calc.DueAt(FiveDayClock()).Value);
    }

    [Fact]
    public void A_pause_gives_back_the_days_from_its_start_day_up_to_its_resume_day()
    {
        // Expert review Wed 03-04 to Fri 03-06: Wed and Thu are not counted, counting resumes on Friday.
        var clock = FiveDayClock()
            .Pause(Bj("2026-03-04 15:00"), SpecialProcedure.ExpertReview, "fire design expert review")
            .Resume(Bj("2026-03-06 09:00"));

        Assert.Equal(D("2026-03-11"), DueDate(clock));
    }

    [Fact]
    public void A_pause_that_starts_and_ends_on_the_same_day_changes_nothing()
    {
        var clock = FiveDayClock().Pause(Bj("2026-03-04 09:00"), SpecialProcedure.Testing, "on-site test").Resume(Bj("2026-03-04 17:00"));

        Assert.Equal(D("2026-03-09"), DueDate(clock));
    }

    [Fact]
    public void A_pause_starting_on_the_last_day_leaves_the_resume_day_to_decide()
    {
        var clock = FiveDayClock().Pause(Bj("2026-03-09 11:00"), SpecialProcedure.Hearing, "hearing requested").Resume(Bj("2026-03-12 10:00"));

        Assert.Equal(D("2026-03-12"), DueDate(clock));
    }

    [Fact]
    public void Paused_weekend_and_holiday_days_are_not_given_back_twice()
    {
        // Pause Friday 03-06 to Monday 03-09: only Friday is a working day given back.
        var clock = FiveDayClock().Pause(Bj("2026-03-06 10:00"), SpecialProcedure.Inspection, "site inspection").Resume(Bj("2026-03-09 10:00"));

        Assert.Equal(D("2026-03-10"), DueDate(clock));
    }

    [Fact]
    public void Several_pauses_add_up()
    {
        var clock = FiveDayClock()
            .Pause(Bj("2026-03-03 10:00"), SpecialProcedure.Testing, "test").Resume(Bj("2026-03-04 10:00"))
            .Pause(Bj("2026-03-05 10:00"), SpecialProcedure.Appraisal, "appraisal").Resume(Bj("2026-03-06 10:00"));

        Assert.Equal(D("2026-03-11"), DueDate(clock));
    }

    [Fact]
    public void While_paused_the_due_instant_is_projected_as_if_resumed_at_the_reading()
    {
        var clock = FiveDayClock().Pause(Bj("2026-03-04 15:00"), SpecialProcedure.ExpertReview, "review");

        var reading = _calc.Read(clock, Bj("2026-03-06 09:00"));

        Assert.True(reading.IsPaused);
        Assert.Equal(D("2026-03-11"), ChinaTime.LocalDate(reading.DueAt));
        Assert.Throws<ClockRuleException>(() => _calc.DueAt(clock));
    }

    [Fact]
    public void The_extension_adds_its_days_in_the_limit_unit()
    {
        var clock = FiveDayClock().Extend(10, "complex case", "agency head", Bj("2026-03-05 10:00"));

        Assert.Equal(D("2026-03-23"), DueDate(clock));
        Assert.Equal(15, clock.TotalDays);
    }

    [Fact]
    public void The_time_limit_may_be_extended_only_once()
    {
        var clock = FiveDayClock().Extend(10, "complex case", "agency head", Bj("2026-03-05 10:00"));

        var ex = Assert.Throws<ClockRuleException>(() => clock.Extend(5, "again", "agency head", Bj("2026-03-06 10:00")));
        Assert.Contains("only once", ex.Message);
    }

    [Fact]
    public void A_decision_exactly_at_the_due_instant_is_on_time()
    {
        var due = _calc.DueAt(FiveDayClock()).Value;

        Assert.True(_calc.StoppedOnTime(FiveDayClock().Stop(due)));
        Assert.Equal(SlaState.Normal, _calc.Read(FiveDayClock().Stop(due), due.AddDays(3)).State);
    }

    [Fact]
    public void A_decision_one_tick_after_the_due_instant_is_late()
    {
        var late = _calc.DueAt(FiveDayClock()).Value.AddTicks(1);

        Assert.False(_calc.StoppedOnTime(FiveDayClock().Stop(late)));
        Assert.Equal(SlaState.Overdue, _calc.Read(FiveDayClock().Stop(late), late.AddDays(3)).State);
    }

    [Theory]
    [InlineData("2026-03-02 18:00", SlaState.Normal, 5)]   // acceptance day
    [InlineData("2026-03-05 09:00", SlaState.Normal, 3)]   // Thu, Fri, Mon left
    [InlineData("2026-03-06 09:00", SlaState.Warning, 2)]  // Fri and Mon left
    [InlineData("2026-03-08 12:00", SlaState.Warning, 1)]  // Sunday: only Monday left
    [InlineData("2026-03-09 23:59", SlaState.Warning, 1)]  // last minute of the last day
    [InlineData("2026-03-10 00:00", SlaState.Overdue, 0)]  // the next day
    public void The_SLA_state_is_normal_then_warning_within_the_margin_then_overdue(string at, SlaState state, int remaining)
    {
        var reading = _calc.Read(FiveDayClock(), Bj(at));

        Assert.Equal(state, reading.State);
        Assert.Equal(remaining, reading.DaysRemaining);
    }

    [Fact]
    public void The_warning_margin_is_configurable()
    {
        var calc = new ItemClockCalculator(ShippedCalendar, new ClockOptions { WarningMarginDays = 3 });

        Assert.Equal(SlaState.Warning, calc.Read(FiveDayClock(), Bj("2026-03-05 09:00")).State);
    }

    [Fact]
    public void Elapsed_days_exclude_the_acceptance_day_and_paused_days()
    {
        var clock = FiveDayClock().Pause(Bj("2026-03-04 15:00"), SpecialProcedure.ExpertReview, "review").Resume(Bj("2026-03-06 09:00"));

        Assert.Equal(0, _calc.Read(clock, Bj("2026-03-02 20:00")).DaysElapsed);
        Assert.Equal(2, _calc.Read(clock, Bj("2026-03-06 10:00")).DaysElapsed); // Tue 03-03 and Fri 03-06
    }

    [Fact]
    public void Acceptance_on_a_non_working_day_starts_the_clock_on_the_next_working_day()
    {
        var clock = ItemClock.Start("X", Bj("2026-03-07 10:00"), TimeLimit.WorkingDays(1)); // Saturday

        Assert.Equal(D("2026-03-10"), DueDate(clock));
    }

    [Fact]
    public void A_natural_day_clock_counts_weekends_and_holidays()
    {
        var clock = ItemClock.Start("S1-EIA", Bj("2026-02-13 10:00"), TimeLimit.NaturalDays(10));

        Assert.Equal(D("2026-02-23"), DueDate(clock));
        Assert.Equal(SlaState.Warning, _calc.Read(clock, Bj("2026-02-22 10:00")).State);
    }

    [Fact]
    public void The_tolerance_materials_deadline_runs_on_its_own_clock()
    {
        var decision = ItemClock.Start("S1-LAND", Bj("2026-03-02 10:00"), TimeLimit.WorkingDays(5));
        var materials = ItemClock.StartToleranceMaterials("S1-LAND", Bj("2026-03-02 10:00"), TimeLimit.WorkingDays(10));

        var decided = decision.Stop(Bj("2026-03-05 10:00"));

        Assert.Equal(ClockPurpose.ToleranceMaterials, materials.Purpose);
        Assert.True(decided.IsStopped);
        Assert.Equal(SlaState.Overdue, _calc.Read(materials, Bj("2026-03-17 09:00")).State);
        Assert.Equal(SlaState.Normal, _calc.Read(materials.Stop(Bj("2026-03-16 10:00")), Bj("2026-03-17 09:00")).State);
    }

    [Fact]
    public void A_reading_ignores_events_recorded_after_its_instant()
    {
        var clock = FiveDayClock().Pause(Bj("2026-03-04 15:00"), SpecialProcedure.ExpertReview, "review").Resume(Bj("2026-03-06 09:00"));

        Assert.Equal(D("2026-03-09"), ChinaTime.LocalDate(_calc.Read(clock, Bj("2026-03-03 10:00")).DueAt));
    }

    [Fact]
    public void A_due_instant_in_a_year_without_data_is_provisional()
    {
        var clock = ItemClock.Start("X", Bj("2026-12-21 10:00"), TimeLimit.WorkingDays(20));

        var reading = _calc.Read(clock, Bj("2026-12-22 10:00"));
        Assert.True(reading.IsProvisional);
        Assert.Equal(new[] { 2027 }, reading.MissingYears);
    }

    [Fact]
    public void The_clock_round_trips_through_System_Text_Json()
    {
        var clock = FiveDayClock()
            .Pause(Bj("2026-03-04 15:00"), SpecialProcedure.ExpertReview, "review").Resume(Bj("2026-03-06 09:00"))
            .Extend(3, "complex", "head", Bj("2026-03-06 10:00"))
            .Pause(Bj("2026-03-09 10:00"), SpecialProcedure.Hearing, "hearing");

        var json = JsonSerializer.Serialize(clock, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var back = JsonSerializer.Deserialize<ItemClock>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.Contains("\"ExpertReview\"", json);
        Assert.True(back.IsPaused);
        var (before, after) = (_calc.Read(clock, Bj("2026-03-10 10:00")), _calc.Read(back, Bj("2026-03-10 10:00")));
        Assert.Equal((before.State, before.DueAt, before.DaysElapsed, before.DaysRemaining), (after.State, after.DueAt, after.DaysElapsed, after.DaysRemaining));
        Assert.Equal(clock.Pauses, back.Pauses);
        Assert.Equal(clock.Extension, back.Extension);
    }

    [Fact]
    public void A_persisted_clock_without_pauses_reads_as_having_none()
    {
        var back = JsonSerializer.Deserialize<ItemClock>("""
            {"itemCode":"X","purpose":"Decision","acceptedAt":"2026-03-02T02:00:00+00:00","limit":{"days":5,"unit":"WorkingDays"}}
            """, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.Empty(back.Pauses);
        Assert.Equal(D("2026-03-09"), DueDate(back));
    }

    [Fact]
    public void Resuming_a_clock_that_is_not_paused_is_refused() =>
        Assert.Throws<ClockRuleException>(() => FiveDayClock().Resume(Bj("2026-03-04 10:00")));

    [Fact]
    public void A_clock_cannot_pause_before_acceptance() =>
        Assert.Throws<ClockRuleException>(() => FiveDayClock().Pause(Bj("2026-03-01 10:00"), SpecialProcedure.Testing, "x"));

    [Fact]
    public void A_stopped_clock_accepts_no_more_events() =>
        Assert.Throws<ClockRuleException>(() => FiveDayClock().Stop(Bj("2026-03-04 10:00")).Pause(Bj("2026-03-05 10:00"), SpecialProcedure.Testing, "x"));

    [Fact]
    public void Stopping_during_a_pause_closes_the_pause()
    {
        var clock = FiveDayClock().Pause(Bj("2026-03-04 10:00"), SpecialProcedure.Testing, "x").Stop(Bj("2026-03-05 10:00"));

        Assert.False(clock.IsPaused);
        Assert.Equal(Bj("2026-03-05 10:00"), clock.Pauses[0].EndedAt);
    }
}
