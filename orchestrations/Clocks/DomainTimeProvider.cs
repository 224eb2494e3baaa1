namespace Orchestrator.Orchestrations.Clocks;

/// <summary>
/// The service's <see cref="TimeProvider"/> when the domain runs faster than real time (the demo mode, scenario tests):
/// <see cref="GetUtcNow"/> is domain time, starting at a chosen instant and running <see cref="Speed"/> times faster; its
/// timers are scaled the same way. <see cref="Clock"/> is the mapping new orchestrations record in their input, so the
/// engine's timers and the service's reads agree.
/// </summary>
public sealed class DomainTimeProvider : TimeProvider
{
    private readonly TimeProvider _real;

    /// <param name="real">The real clock (the system clock; a fake in tests of this class).</param>
    /// <param name="speed">Domain seconds per real second, 1 or more.</param>
    /// <param name="startAt">The domain instant of now; null starts at the real now.</param>
    /// <param name="minRealTimerPeriod">The shortest real wait of a scaled timer, so background loops do not spin.</param>
    public DomainTimeProvider(TimeProvider real, double speed, DateTimeOffset? startAt, TimeSpan minRealTimerPeriod)
    {
        ArgumentNullException.ThrowIfNull(real);
        _real = real;
        var now = real.GetUtcNow();
        Clock = new DomainClock(now, (startAt ?? now).ToUniversalTime(), speed).Validated();
        MinRealTimerPeriod = minRealTimerPeriod < TimeSpan.Zero ? TimeSpan.Zero : minRealTimerPeriod;
    }

    /// <summary>The mapping from real time to domain time that this provider follows.</summary>
    public DomainClock Clock { get; }

    public double Speed => Clock.Speed;

    public DateTimeOffset StartedAt => Clock.DomainAnchor;

    public TimeSpan MinRealTimerPeriod { get; }

    public override DateTimeOffset GetUtcNow() => Clock.ToDomain(_real.GetUtcNow().UtcDateTime);

    public override TimeZoneInfo LocalTimeZone => _real.LocalTimeZone;
    public override long TimestampFrequency => _real.TimestampFrequency;
    public override long GetTimestamp() => _real.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(this, _real.CreateTimer(callback, state, ToReal(dueTime), ToReal(period)));

    /// <summary>The real duration of a domain duration (at least <see cref="MinRealTimerPeriod"/> unless shorter itself).</summary>
    public TimeSpan ToReal(TimeSpan domain)
    {
        if (domain == Timeout.InfiniteTimeSpan || domain <= TimeSpan.Zero) return domain;
        var scaled = TimeSpan.FromTicks((long)(domain.Ticks / Speed));
        var floor = domain < MinRealTimerPeriod ? domain : MinRealTimerPeriod;
        return scaled > floor ? scaled : floor;
    }

    /// <summary>The domain clock the service runs on: this provider's, or real time.</summary>
    public static DomainClock ClockOf(TimeProvider time) => time is DomainTimeProvider d ? d.Clock : DomainClock.RealTime;

    private sealed class ScaledTimer(DomainTimeProvider clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.ToReal(dueTime), clock.ToReal(period));
        public void Dispose() => inner.Dispose();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
