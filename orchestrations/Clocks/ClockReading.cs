using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Clocks;

/// <summary>SLA state of an item (红黄灯): green, yellow near the limit, red overdue.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlaState>))]
public enum SlaState
{
    /// <summary>绿灯: on time.</summary>
    Normal,
    /// <summary>黄灯: the configured margin or fewer days left.</summary>
    Warning,
    /// <summary>红灯: past the due instant.</summary>
    Overdue,
}

/// <summary>A clock read at an instant.</summary>
/// <param name="At">The instant read (UTC).</param>
/// <param name="State">SLA state at that instant. A stopped clock is Normal if it stopped on time, else Overdue.</param>
/// <param name="DueAt">Due instant (end of the last day, Asia/Shanghai, as UTC), recomputed after pauses; while paused, projected as if the clock resumed at <paramref name="At"/>.</param>
/// <param name="DaysElapsed">Counted days used so far (acceptance day and paused days not counted).</param>
/// <param name="DaysRemaining">Counted days left, today included; 0 when overdue.</param>
/// <param name="IsPaused">A special procedure is under way at that instant.</param>
/// <param name="IsStopped">The clock had stopped by that instant.</param>
/// <param name="MissingYears">Years touched with no holiday data (the due instant is provisional).</param>
public sealed record ClockReading(
    DateTimeOffset At,
    SlaState State,
    DateTimeOffset DueAt,
    int DaysElapsed,
    int DaysRemaining,
    bool IsPaused,
    bool IsStopped,
    IReadOnlyList<int> MissingYears)
{
    /// <summary>The due instant is provisional: some year had no holiday data (weekends only).</summary>
    public bool IsProvisional => MissingYears.Count > 0;
}
