using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Clocks;

/// <summary>What a clock times.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClockPurpose>))]
public enum ClockPurpose
{
    /// <summary>The department's decision on an item (办理时限), from acceptance.</summary>
    Decision,
    /// <summary>The applicant's deadline to supply the materials missing at tolerance acceptance (容缺补正期限).</summary>
    ToleranceMaterials,
}

/// <summary>Special procedures whose time is not counted (行政许可法第四十五条 Art. 45; 特别程序).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpecialProcedure>))]
public enum SpecialProcedure
{
    /// <summary>听证</summary>
    Hearing,
    /// <summary>招标</summary>
    Tendering,
    /// <summary>拍卖</summary>
    Auction,
    /// <summary>检验</summary>
    Inspection,
    /// <summary>检测</summary>
    Testing,
    /// <summary>检疫</summary>
    Quarantine,
    /// <summary>鉴定</summary>
    Appraisal,
    /// <summary>专家评审</summary>
    ExpertReview,
    /// <summary>Any other procedure excluded by law; the reason says which.</summary>
    Other,
}

/// <summary>A special-procedure pause (特别程序): the clock stops at <see cref="StartedAt"/> and resumes at <see cref="EndedAt"/>.</summary>
public sealed record ClockPause(SpecialProcedure Procedure, string Reason, DateTimeOffset StartedAt, DateTimeOffset? EndedAt);

/// <summary>The one-time extension (延期, 行政许可法第四十二条 Art. 42) approved by the agency head, in the limit's unit.</summary>
public sealed record ClockExtension(int Days, string Reason, string ApprovedBy, DateTimeOffset GrantedAt);

/// <summary>A rule of the clock was broken (e.g. a second extension, resuming a clock that is not paused).</summary>
public sealed class ClockRuleException(string message) : InvalidOperationException(message);

/// <summary>
/// The clock of one item (事项计时): immutable, serializable with System.Text.Json (orchestrations persist it),
/// changed only by returning a new clock. Reading it (due instant, SLA state) needs the calendar: see
/// <see cref="ItemClockCalculator"/>.
/// </summary>
/// <param name="ItemCode">The catalog item code.</param>
/// <param name="Purpose">Decision clock or tolerance-materials deadline.</param>
/// <param name="AcceptedAt">Acceptance instant (受理时间), UTC; the acceptance day is not counted.</param>
/// <param name="Limit">The limit (promised or legal) the clock runs against.</param>
/// <param name="Pauses">Special-procedure pauses in order; at most the last one is open.</param>
/// <param name="Extension">The one-time extension, if granted.</param>
/// <param name="StoppedAt">When the clock stopped: decision made, or materials supplied.</param>
public sealed record ItemClock(
    string ItemCode,
    ClockPurpose Purpose,
    DateTimeOffset AcceptedAt,
    TimeLimit Limit,
    IReadOnlyList<ClockPause> Pauses,
    ClockExtension? Extension,
    DateTimeOffset? StoppedAt)
{
    /// <summary>Special-procedure pauses in order (never null, also when read from JSON without the field).</summary>
    public IReadOnlyList<ClockPause> Pauses { get; init; } = Pauses ?? [];

    /// <summary>Starts the decision clock of an item at acceptance (受理).</summary>
    public static ItemClock Start(string itemCode, DateTimeOffset acceptedAt, TimeLimit limit) =>
        Create(itemCode, ClockPurpose.Decision, acceptedAt, limit);

    /// <summary>Starts the deadline for materials missing at tolerance acceptance (容缺受理): its own clock.</summary>
    public static ItemClock StartToleranceMaterials(string itemCode, DateTimeOffset acceptedAt, TimeLimit limit) =>
        Create(itemCode, ClockPurpose.ToleranceMaterials, acceptedAt, limit);

    private static ItemClock Create(string itemCode, ClockPurpose purpose, DateTimeOffset acceptedAt, TimeLimit limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(itemCode);
        ArgumentNullException.ThrowIfNull(limit);
        if (limit.Days < 0) throw new ArgumentOutOfRangeException(nameof(limit), "A time limit cannot be negative.");
        return new ItemClock(itemCode, purpose, acceptedAt.ToUniversalTime(), limit, Array.Empty<ClockPause>(), null, null);
    }

    /// <summary>True while a special procedure is under way.</summary>
    [JsonIgnore]
    public bool IsPaused => Pauses.Count > 0 && Pauses[^1].EndedAt is null;

    /// <summary>True once the decision is made (or the materials are supplied).</summary>
    [JsonIgnore]
    public bool IsStopped => StoppedAt is not null;

    /// <summary>Limit plus extension, in the limit's unit.</summary>
    [JsonIgnore]
    public int TotalDays => Limit.Days + (Extension?.Days ?? 0);

    /// <summary>Stops the clock for a special procedure (Art. 45). The applicant must be told in writing.</summary>
    public ItemClock Pause(DateTimeOffset at, SpecialProcedure procedure, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureRunning(at, "pause");
        if (IsPaused) throw new ClockRuleException($"Item {ItemCode}: the clock is already paused for {Pauses[^1].Procedure} since {Pauses[^1].StartedAt:u}.");
        if (Pauses.Count > 0 && at < Pauses[^1].EndedAt)
            throw new ClockRuleException($"Item {ItemCode}: a pause cannot start at {at:u}, before the previous one ended at {Pauses[^1].EndedAt:u}.");
        return this with { Pauses = [.. Pauses, new ClockPause(procedure, reason, at.ToUniversalTime(), null)] };
    }

    /// <summary>Resumes the clock when the special procedure ends.</summary>
    public ItemClock Resume(DateTimeOffset at)
    {
        if (IsStopped) throw new ClockRuleException($"Item {ItemCode}: the clock stopped at {StoppedAt:u}; it cannot resume.");
        if (!IsPaused) throw new ClockRuleException($"Item {ItemCode}: the clock is not paused.");
        var open = Pauses[^1];
        if (at < open.StartedAt) throw new ClockRuleException($"Item {ItemCode}: resume at {at:u} is before the pause started at {open.StartedAt:u}.");
        return this with { Pauses = [.. Pauses.Take(Pauses.Count - 1), open with { EndedAt = at.ToUniversalTime() }] };
    }

    /// <summary>Grants the one-time extension (Art. 42): <paramref name="days"/> more in the limit's unit, with a reason.</summary>
    public ItemClock Extend(int days, string reason, string approvedBy, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(approvedBy);
        if (days <= 0) throw new ArgumentOutOfRangeException(nameof(days), "An extension must add at least one day.");
        EnsureRunning(at, "extend");
        if (Extension is not null)
            throw new ClockRuleException($"Item {ItemCode}: the time limit may be extended only once (Art. 42); it was extended by {Extension.Days} days on {Extension.GrantedAt:u}.");
        return this with { Extension = new ClockExtension(days, reason, approvedBy, at.ToUniversalTime()) };
    }

    /// <summary>Stops the clock: decision made (办结) or materials supplied (补齐). An open pause ends at the same instant.</summary>
    public ItemClock Stop(DateTimeOffset at)
    {
        EnsureRunning(at, "stop");
        var clock = IsPaused ? Resume(at) : this;
        return clock with { StoppedAt = at.ToUniversalTime() };
    }

    private void EnsureRunning(DateTimeOffset at, string action)
    {
        if (IsStopped) throw new ClockRuleException($"Item {ItemCode}: cannot {action}, the clock stopped at {StoppedAt:u}.");
        if (at < AcceptedAt) throw new ClockRuleException($"Item {ItemCode}: cannot {action} at {at:u}, before acceptance at {AcceptedAt:u}.");
        var last = Pauses.Count > 0 ? Pauses[^1].EndedAt ?? Pauses[^1].StartedAt : AcceptedAt;
        if (at < last) throw new ClockRuleException($"Item {ItemCode}: cannot {action} at {at:u}, before the last recorded event at {last:u}.");
    }
}
