using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds).</summary>
public sealed class MaterialChangeLifecycleTests
{
    private const string Code = "2605-620300-89-05-300003";

    [Fact]
    public async Task A_material_change_naming_a_reapproval_reason_sends_the_affected_items_back_through_approval_in_a_new_round()
    {
        await using var t = await StartAsync(Bj("2026-05-11 00:30"));
        await t.FileAsync(Request(Code));
        await t.AdvanceToAsync(t.Now.AddDays(1));
        await t.ApproveAllOpenAsync(Code, "S2-ENGINEERING-PLANNING");
        var view = await t.ProjectAsync(Code);
        Assert.Equal(ItemState.Approved, view.Items.Single(i => i.ItemCode == "S2-DESIGN-SCHEME").State);
        Assert.True(view.Items.Single(i => i.ItemCode == "S2-ENGINEERING-PLANNING").Open);

        // The scale changes materially: the land-use planning permit and the design scheme are approved again.
        var bad = await t.Commands.ReportMaterialChangeAsync(Code, new MaterialChange(Platform, ReapprovalReason.ScaleChanged, ["S9-NOPE"], "x", "mc-0"));
        Assert.Equal(CommandOutcome.Invalid, bad.Outcome);
        var r = await t.Commands.ReportMaterialChangeAsync(Code, new MaterialChange(Platform, ReapprovalReason.ScaleChanged,
            ["S1-LAND-USE-PLANNING", "S2-DESIGN-SCHEME"], "floor area +40%", "mc-1"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        view = await t.WaitForAsync(Code, v => Settled(v) && v.Items.Single(i => i.ItemCode == "S2-DESIGN-SCHEME").Round == 2
                                                           && v.Items.Single(i => i.ItemCode == "S1-LAND-USE-PLANNING").Round == 2, "the re-approval rounds to start");
        foreach (var code in new[] { "S1-LAND-USE-PLANNING", "S2-DESIGN-SCHEME" })
        {
            var item = view.Items.Single(i => i.ItemCode == code);
            Assert.Equal(2, item.Round);
            Assert.Equal(ItemRoundPurpose.Reapproval, item.Purpose);
            Assert.Equal(InstanceIds.Item(Code, code, 2), item.InstanceId);
            Assert.Equal(ItemState.UnderReview, item.State);
        }
        Assert.Contains(view.Timeline, e => e.Kind == "material-change");
        Assert.Equal(1, view.Stage); // stage 1 is open again

        // Decisions go to the new round.
        var result = await t.DecideAsync(Code, "S2-DESIGN-SCHEME", DepartmentDecision.Approve(Dept("PLN"), "design-r2"));
        Assert.Equal(InstanceIds.Item(Code, "S2-DESIGN-SCHEME", 2), result.InstanceId);
        await t.ApproveAllOpenAsync(Code);
        view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.UnderConstruction, "construction to be permitted");
        Assert.Equal(ItemState.Approved, view.Items.Single(i => i.ItemCode == "S1-LAND-USE-PLANNING").State);
    }

    [Fact]
    public async Task A_running_round_replaced_by_a_material_change_ends_superseded_and_refuses_further_decisions()
    {
        await using var t = await StartAsync(Bj("2026-05-11 00:30"));
        await t.FileAsync(Request(Code));
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportMaterialChangeAsync(Code,
            new MaterialChange(Platform, ReapprovalReason.SiteChanged, ["S1-WATER-SOIL"], "site moved 200 m", "mc-2"))).Outcome);
        var view = await t.WaitForAsync(Code, v => Settled(v) && v.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Round == 2, "round 2 of S1-WATER-SOIL");
        Assert.Equal(2, view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Round);
        var old = await t.WaitForValueAsync(() => t.Client.GetInstanceAsync(InstanceIds.Item(Code, "S1-WATER-SOIL")),
            m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "the superseded round to end");
        Assert.Equal(ItemState.Superseded, old!.ReadCustomStatusAs<ItemStatus>()!.State);
        // A decision raised on the superseded round is refused (the command goes to round 2).
        var r = await t.Commands.RecordDecisionAsync("WRB", Code, "S1-WATER-SOIL", DepartmentDecision.Approve(Dept("WRB"), "after-change"));
        Assert.Equal(InstanceIds.Item(Code, "S1-WATER-SOIL", 2), r.InstanceId);
    }

    [Fact]
    public async Task The_same_material_change_delivered_twice_starts_one_reapproval_round_not_two()
    {
        await using var t = await StartAsync(Bj("2026-05-11 00:30"));
        await t.FileAsync(Request(Code));
        var change = new MaterialChange(Platform, ReapprovalReason.ScaleChanged, ["S1-WATER-SOIL"], "floor area +40%", "mc-twice");
        // Delivered twice through the engine (a retried HTTP call, or at-least-once delivery), bypassing the command's checks.
        await t.Client.RaiseEventAsync(InstanceIds.Project(Code), LifecycleEvents.MaterialChange, change);
        await t.Client.RaiseEventAsync(InstanceIds.Project(Code), LifecycleEvents.MaterialChange, change);
        await t.WaitForRaisedAsync(InstanceIds.Project(Code), LifecycleEvents.MaterialChange, "mc-twice", 2);
        var view = await t.SettledAsync(Code);
        Assert.Equal(2, view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Round);
        Assert.Single(view.Timeline, e => e.Kind == "material-change");
        Assert.Null(await t.Client.GetInstanceAsync(InstanceIds.Item(Code, "S1-WATER-SOIL", 3)));
    }
}
