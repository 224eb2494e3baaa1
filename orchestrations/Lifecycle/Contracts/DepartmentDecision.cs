using System.Text.Json.Serialization;
using Orchestrator.Orchestrations.Clocks;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Kind of a department decision on an item.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecisionKind>))]
public enum DecisionKind
{
    /// <summary>准予许可 / 审查通过: grants the item (for a simulated item: the simulated opinion; while converting: the formal approval; at joint acceptance: passed).</summary>
    Approve,
    /// <summary>不予许可 with reasons (at joint acceptance: failed).</summary>
    Reject,
    /// <summary>补正: the applicant must correct materials; the clock is paused until they are supplied.</summary>
    RequestCorrection,
    /// <summary>特别程序 start (行政许可法第四十五条 Art. 45): hearing, testing, expert review…; pauses the clock.</summary>
    StartSpecialProcedure,
    /// <summary>特别程序 end: resumes the clock.</summary>
    EndSpecialProcedure,
    /// <summary>延期 once, with a reason (行政许可法第四十二条 Art. 42).</summary>
    Extend,
    /// <summary>Joint acceptance only (联合验收): rectify within <see cref="DepartmentDecision.Days"/> working days, then re-inspect.</summary>
    Rectify,
}

/// <summary>
/// A department's decision on one item, raised on the item instance as event <see cref="LifecycleEvents.Decision"/>.
/// One record for every kind (simple JSON for the HTTP layer); fields not used by a kind stay null.
/// </summary>
/// <param name="Kind">What is decided.</param>
/// <param name="Actor">Who decided (department role, bound to the item's department).</param>
/// <param name="IdempotencyKey">The caller's key (HTTP Idempotency-Key): a repeated decision with the same key is applied once.</param>
/// <param name="Reasons">Reject / RequestCorrection / Rectify: the reasons, at least one.</param>
/// <param name="Procedure">StartSpecialProcedure: which procedure.</param>
/// <param name="Reason">StartSpecialProcedure / Extend: the reason in words.</param>
/// <param name="Days">Extend: extra days (in the limit's unit); Rectify: working days allowed to rectify.</param>
/// <param name="Note">Free text shown in the history.</param>
public sealed record DepartmentDecision(
    DecisionKind Kind,
    Actor Actor,
    string IdempotencyKey,
    IReadOnlyList<string>? Reasons = null,
    SpecialProcedure? Procedure = null,
    string? Reason = null,
    int? Days = null,
    string? Note = null)
{
    public static DepartmentDecision Approve(Actor actor, string key, string? note = null) => new(DecisionKind.Approve, actor, key, Note: note);
    public static DepartmentDecision Reject(Actor actor, string key, params string[] reasons) => new(DecisionKind.Reject, actor, key, reasons);
    public static DepartmentDecision RequestCorrection(Actor actor, string key, params string[] reasons) => new(DecisionKind.RequestCorrection, actor, key, reasons);
    public static DepartmentDecision StartSpecialProcedure(Actor actor, string key, SpecialProcedure procedure, string reason) =>
        new(DecisionKind.StartSpecialProcedure, actor, key, Procedure: procedure, Reason: reason);
    public static DepartmentDecision EndSpecialProcedure(Actor actor, string key) => new(DecisionKind.EndSpecialProcedure, actor, key);
    public static DepartmentDecision Extend(Actor actor, string key, int days, string reason) => new(DecisionKind.Extend, actor, key, Reason: reason, Days: days);
    public static DepartmentDecision Rectify(Actor actor, string key, int days, params string[] reasons) => new(DecisionKind.Rectify, actor, key, reasons, Days: days);

    /// <summary>Shape errors (missing reasons, days out of range), independent of the item's state; empty when well formed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(IdempotencyKey)) errors.Add("idempotencyKey: required");
        if (Actor is null || string.IsNullOrWhiteSpace(Actor.Name)) errors.Add("actor: required");
        switch (Kind)
        {
            case DecisionKind.Reject or DecisionKind.RequestCorrection or DecisionKind.Rectify when Reasons is not { Count: > 0 } || Reasons.Any(string.IsNullOrWhiteSpace):
                errors.Add("reasons: at least one non-empty reason is required");
                break;
        }
        if (Kind == DecisionKind.StartSpecialProcedure)
        {
            if (Procedure is null) errors.Add("procedure: required to start a special procedure");
            if (string.IsNullOrWhiteSpace(Reason)) errors.Add("reason: required to start a special procedure (the applicant is told in writing, Art. 45)");
        }
        if (Kind == DecisionKind.Extend)
        {
            if (Days is not (> 0 and <= 60)) errors.Add("days: an extension adds 1 to 60 days");
            if (string.IsNullOrWhiteSpace(Reason)) errors.Add("reason: an extension needs a reason (Art. 42)");
        }
        if (Kind == DecisionKind.Rectify && Days is not (> 0 and <= 180)) errors.Add("days: rectification allows 1 to 180 working days");
        return errors;
    }
}
