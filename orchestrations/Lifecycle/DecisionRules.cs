namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// Which decision is valid in which item state. Used twice: by the command side before raising (so a refused
/// request stores nothing and gets 409/422) and by the item orchestration when it applies (the state may have
/// changed in between; an invalid event is then recorded as ignored).
/// </summary>
public static class DecisionRules
{
    /// <summary>Null when <paramref name="d"/> may be applied to an open item in state <paramref name="s"/>; else why not.</summary>
    public static string? Check(ItemStatus s, DepartmentDecision d)
    {
        var state = s.State;
        return d.Kind switch
        {
            DecisionKind.Approve or DecisionKind.Reject => null,
            DecisionKind.RequestCorrection or DecisionKind.StartSpecialProcedure when state is not (ItemState.UnderReview or ItemState.Converting) =>
                $"the clock cannot be paused while the item is {state}",
            DecisionKind.EndSpecialProcedure when state != ItemState.SpecialProcedure =>
                $"no special procedure is under way (item is {state})",
            DecisionKind.Extend when s.Clock is null || s.Clock.IsStopped || state == ItemState.Rectifying =>
                $"no decision clock runs (item is {state})",
            DecisionKind.Extend when s.Clock!.Extension is { } x =>
                $"the time limit may be extended only once (行政许可法 Art. 42); it was extended by {x.Days} days on {x.GrantedAt:yyyy-MM-dd}",
            DecisionKind.Rectify when s.Purpose != ItemRoundPurpose.Acceptance =>
                "rectification applies to joint acceptance items only",
            DecisionKind.Rectify when state != ItemState.UnderReview =>
                $"rectification can be ordered at inspection only (item is {state})",
            _ => null,
        };
    }
}
