using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// What a project's orchestrations decide on: the working-day calendar (行政许可法 Art. 82) and the lifecycle's limits.
/// The project reads it once, through the <see cref="LifecycleActivities.LoadLifecycleRules"/> activity (recorded in its
/// history), and hands it to every item round and joint meeting in their input, so a replay after a configuration change
/// decides exactly as the first run did. Orchestrators take nothing from dependency injection.
/// </summary>
/// <remarks>
/// A project keeps the calendar it was filed under: a holiday notice loaded later reaches projects filed later. Deadlines
/// in a year without a notice say so (<see cref="CalendarResult{T}.IsProvisional"/>).
/// </remarks>
public sealed record LifecycleRules(
    IReadOnlyList<HolidayYear> Calendar,
    int WarningMarginDays,
    int JointMeetingConveneLimitDays,
    int LeadershipLimitDays,
    int DefaultFollowUpDays,
    int JointAcceptanceLimitDays,
    string JointAcceptanceLeadDepartment,
    string ConstructionPermitItem,
    int ConversionDays,
    int SimulatedValidityYears)
{
    /// <summary>The rules of the service's current configuration.</summary>
    public static LifecycleRules From(WorkingCalendar calendar, ClockOptions clock, LifecycleOptions o) =>
        new(calendar.LoadedYears.Select(y => calendar.GetYear(y)!).ToList(), clock.WarningMarginDays,
            o.JointMeetingConveneLimitDays, o.LeadershipLimitDays, o.DefaultFollowUpDays, o.JointAcceptanceLimitDays,
            o.JointAcceptanceLeadDepartment, o.ConstructionPermitItem, o.ConversionDays, o.SimulatedValidityYears);

    /// <summary>The item clock calculator of these rules (calendar and warning margin).</summary>
    public ItemClockCalculator CreateCalculator() =>
        new(new WorkingCalendar(Calendar), new ClockOptions { WarningMarginDays = WarningMarginDays });
}
