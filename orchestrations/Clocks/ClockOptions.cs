namespace Orchestrator.Orchestrations.Clocks;

/// <summary>SLA board settings (红黄灯), bound from configuration section <c>Domain:Clocks</c>.</summary>
public sealed class ClockOptions
{
    /// <summary>
    /// Warning (yellow light) when this many days or fewer are left, today included, in the clock's unit.
    /// Default 2: the last two working days are yellow.
    /// </summary>
    public int WarningMarginDays { get; set; } = 2;
}
