namespace Orchestrator.Orchestrations.Clocks;

/// <summary>
/// Maps orchestration time (the engine's real UTC clock: <c>CurrentUtcDateTime</c>, durable timers) to domain time
/// (the instants that deadlines, lights and records use), and back. Production runs at <see cref="Speed"/> 1 with
/// both anchors equal, so domain time is real time; the demo mode and long scenario tests run the domain faster.
/// </summary>
/// <remarks>
/// The clock is fixed when an orchestration starts and travels in its input, so every replay maps the same
/// instants the same way (deterministic), and a timer for a domain deadline is created at the real instant that
/// maps to it. Children get their parent's clock, so a project and its items share one timeline.
/// </remarks>
/// <param name="RealAnchor">A real UTC instant.</param>
/// <param name="DomainAnchor">The domain instant that <paramref name="RealAnchor"/> maps to.</param>
/// <param name="Speed">Domain seconds per real second (1 or more).</param>
public sealed record DomainClock(DateTimeOffset RealAnchor, DateTimeOffset DomainAnchor, double Speed)
{
    /// <summary>Domain time is real time (production).</summary>
    public static DomainClock RealTime { get; } = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);

    /// <summary>True when domain time is real time.</summary>
    public bool IsRealTime => Speed == 1 && RealAnchor == DomainAnchor;

    /// <summary>The domain instant of a real UTC instant (e.g. the orchestration's current time).</summary>
    public DateTimeOffset ToDomain(DateTime realUtc)
    {
        var real = new DateTimeOffset(DateTime.SpecifyKind(realUtc, DateTimeKind.Utc));
        return IsRealTime ? real : DomainAnchor + TimeSpan.FromTicks((long)((real - RealAnchor).Ticks * Speed));
    }

    /// <summary>The real UTC instant at which the domain reaches <paramref name="domain"/> (where to put a durable timer).</summary>
    public DateTime ToReal(DateTimeOffset domain)
    {
        if (IsRealTime) return domain.UtcDateTime;
        // Round up: a timer must never fire before its domain instant.
        var ticks = (long)Math.Ceiling((domain - DomainAnchor).Ticks / Speed);
        return (RealAnchor + TimeSpan.FromTicks(ticks)).UtcDateTime;
    }

    /// <summary>Refuses a clock that cannot map time (speed below 1 or not a number).</summary>
    public DomainClock Validated() =>
        Speed is >= 1 and <= double.MaxValue ? this
            : throw new ArgumentOutOfRangeException(nameof(Speed), Speed, "A domain clock runs at speed 1 (real time) or faster.");
}
