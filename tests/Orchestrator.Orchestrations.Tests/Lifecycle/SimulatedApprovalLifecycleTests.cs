using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Plan;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds).</summary>
public sealed class SimulatedApprovalLifecycleTests
{
    internal const string Code = "2606-620200-89-05-200002";
    internal static readonly SimulatedApprovalEntry EntryMet = new(true, true, true, true);
    internal static readonly string[] Simulated = ["S2-DESIGN-SCHEME", "S2-ENGINEERING-PLANNING", "S3-DRAWING-REVIEW", "S3-FIRE-DESIGN", "S3-CIVIL-AIR-DEFENCE"];

    [Fact]
    public async Task Simulated_opinions_are_converted_within_three_working_days_of_land_rights_one_late_conversion_escalates_and_the_permit_waits_for_all()
    {
        await using var t = await StartAsync(Bj("2026-06-01 00:30"));
        var view = await t.FileAsync(Request(Code, landRights: false, simulated: EntryMet));
        Assert.True(view.SimulatedApproval);
        Assert.False(view.LandRightsHeld);

        // Departments review before land rights: every simulated item ends with a simulated opinion valid one year.
        for (var day = 0; day < 5; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(Code);
        }
        view = await t.ProjectAsync(Code);
        foreach (var code in Simulated)
        {
            var item = view.Items.Single(i => i.ItemCode == code);
            Assert.Equal(HandlingMode.Simulated, item.Mode);
            Assert.Equal(ItemState.SimulatedOpinion, item.State);
            Assert.Equal(item.DecidedAt!.Value.AddYears(1), item.SimulatedValidUntil);
        }
        // No construction permit on simulated opinions.
        Assert.DoesNotContain(view.Items, i => i.ItemCode == "S3-CONSTRUCTION-PERMIT");
        Assert.Equal(ProjectPhase.AwaitingLandRights, view.Phase);
        Assert.Equal(CommandOutcome.NotOpen, (await t.Commands.ReportConstructionFinishedAsync(Code, new ConstructionFinished(Platform, new DateOnly(2026, 6, 10), "cf-early"))).Outcome);

        // Land rights on Monday 2026-06-15: every opinion must be formal by Thursday 2026-06-18, each on its own clock.
        await t.AdvanceToAsync(Bj("2026-06-15 00:30"));
        var land = await t.Commands.ReportLandRightsAsync(Code, new LandRightsObtained(Platform, new DateOnly(2026, 6, 15), "JY-2026-017", "land-1"));
        Assert.Equal(CommandOutcome.Applied, land.Outcome);
        view = await t.WaitForAsync(Code, v => v.LandRightsHeld && Simulated.All(c => v.Items.Single(i => i.ItemCode == c).State == ItemState.Converting),
            "every simulated opinion to be converting", Bj("2026-06-15 23:59"));
        foreach (var code in Simulated)
        {
            var item = view.Items.Single(i => i.ItemCode == code);
            Assert.Equal(ItemState.Converting, item.State);
            Assert.Equal(new DateOnly(2026, 6, 18), item.Due!.DueDateLocal);
        }

        // Four departments convert the next day; the fire authority does not.
        await t.AdvanceToAsync(Bj("2026-06-16 00:30"));
        foreach (var code in Simulated.Where(c => c != "S3-FIRE-DESIGN")) await t.ApproveAsync(Code, code);
        view = await t.ProjectAsync(Code);
        Assert.All(Simulated.Where(c => c != "S3-FIRE-DESIGN"), c => Assert.Equal(ItemState.Approved, view.Items.Single(i => i.ItemCode == c).State));
        Assert.All(Simulated.Where(c => c != "S3-FIRE-DESIGN"), c => Assert.Equal(0, view.Items.Single(i => i.ItemCode == c).Decisions.Last(d => d.Kind == DecisionKind.Approve).WorkingDaysLate));
        Assert.DoesNotContain(view.Items, i => i.ItemCode == "S3-CONSTRUCTION-PERMIT"); // one opinion is still simulated

        // 2026-06-19 (Dragon Boat holiday): the conversion is overdue and escalates.
        await t.AdvanceToAsync(Bj("2026-06-19 00:00"));
        view = await t.WaitForAsync(Code, v => v.Escalations.Count > 0, "the overdue conversion to escalate", Bj("2026-06-19 23:59"));
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationCause.ConversionOverdue, escalation.Cause);
        Assert.Equal(["S3-FIRE-DESIGN"], escalation.ItemCodes);

        // Converted on Monday 2026-06-22, the first working day after the holiday: 1 working day late, still counts.
        await t.AdvanceToAsync(Bj("2026-06-22 00:30"));
        await t.ApproveAsync(Code, "S3-FIRE-DESIGN");
        view = await t.ProjectAsync(Code);
        var fire = view.Items.Single(i => i.ItemCode == "S3-FIRE-DESIGN");
        Assert.Equal(ItemState.Approved, fire.State);
        Assert.Equal(1, fire.Decisions.Last(d => d.Kind == DecisionKind.Approve).WorkingDaysLate);
        Assert.Contains(fire.Decisions, d => d.Detail?.Contains("simulated opinion") == true); // the simulated opinion stays in the record

        // Now the construction permit is reviewed and granted.
        var permit = view.Items.Single(i => i.ItemCode == "S3-CONSTRUCTION-PERMIT");
        Assert.Equal(ItemState.UnderReview, permit.State);
        Assert.Equal(HandlingMode.Normal, permit.Mode);
        await t.ApproveAsync(Code, "S3-CONSTRUCTION-PERMIT");
        Assert.Equal(ProjectPhase.UnderConstruction, (await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.UnderConstruction, "construction to be permitted")).Phase);
    }

    [Fact]
    public async Task Without_the_entry_conditions_items_that_need_land_rights_wait_for_them_and_are_then_approved_formally()
    {
        await using var t = await StartAsync(Bj("2026-06-01 00:30"));
        var view = await t.FileAsync(Request(Code, landRights: false, simulated: new SimulatedApprovalEntry(true, false, true, true)));
        Assert.False(view.SimulatedApproval);
        for (var day = 0; day < 3; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(Code);
        }
        view = await t.ProjectAsync(Code);
        Assert.DoesNotContain(view.Items, i => i.ItemCode.StartsWith("S2-"));
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportLandRightsAsync(Code, new LandRightsObtained(Platform, new DateOnly(2026, 6, 8), "JY-2026-020", "land-2"))).Outcome);
        view = await t.WaitForAsync(Code, v => Settled(v) && v.Items.Any(i => i.ItemCode == "S2-DESIGN-SCHEME"), "the items that need land rights to start");
        var design = view.Items.Single(i => i.ItemCode == "S2-DESIGN-SCHEME");
        Assert.Equal(HandlingMode.Normal, design.Mode);
        Assert.Equal(ItemState.UnderReview, design.State);
    }
}

/// <summary>
/// A simulated opinion is valid one year: domain speed 500,000 (a domain day in 0.17 real seconds) so that the year
/// passes in about a minute. At that speed the engine's latency is days of domain time, so this test checks states,
/// never dates: the filing is not required to start its rounds on the filing day, and items go overdue on the way.
/// </summary>
public sealed class SimulatedOpinionExpiryLifecycleTests
{
    [Fact]
    public async Task A_simulated_opinion_expires_after_one_year_without_land_rights_and_is_approved_again_once_land_rights_come()
    {
        const string code = SimulatedApprovalLifecycleTests.Code;
        await using var t = await StartAsync(Bj("2026-06-01 00:30"), speed: 500_000);
        await t.FileAsync(Request(code, landRights: false, simulated: SimulatedApprovalLifecycleTests.EntryMet), sameDay: false);
        var view = await t.ProjectAsync(code);
        for (var round = 0; round < 10 && !SimulatedApprovalLifecycleTests.Simulated.All(c => view.Items.Any(i => i.ItemCode == c && i.State == ItemState.SimulatedOpinion)); round++)
        {
            await t.ApproveAllOpenAsync(code);
            view = await t.ProjectAsync(code);
        }
        var validUntil = SimulatedApprovalLifecycleTests.Simulated.Select(c => view.Items.Single(i => i.ItemCode == c).SimulatedValidUntil!.Value).Max();

        view = await t.WaitForAsync(code, v => SimulatedApprovalLifecycleTests.Simulated.All(c => v.Items.Single(i => i.ItemCode == c).State == ItemState.Expired),
            "every simulated opinion to expire", validUntil.AddDays(30), realTimeout: TimeSpan.FromSeconds(150));
        Assert.All(SimulatedApprovalLifecycleTests.Simulated, c => Assert.True(view.Items.Single(i => i.ItemCode == c).SimulatedValidUntil <= t.Now));

        var landDay = Orchestrator.Orchestrations.Calendar.ChinaTime.LocalDate(t.Now);
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportLandRightsAsync(code, new LandRightsObtained(Platform, landDay, "JY-2027-001", "land-late"))).Outcome);
        view = await t.WaitForAsync(code, v => v.Items.Single(i => i.ItemCode == "S2-DESIGN-SCHEME").Round == 2 && Settled(v), "the re-approval of the expired opinions");
        var design = view.Items.Single(i => i.ItemCode == "S2-DESIGN-SCHEME");
        Assert.Equal(2, design.Round);
        Assert.Equal(ItemRoundPurpose.Reapproval, design.Purpose);
        Assert.Equal(HandlingMode.Normal, design.Mode);
        Assert.Equal(ItemState.UnderReview, design.State);
        Assert.True(design.Due!.Provisional); // 2027 has no holiday notice loaded: weekends only, marked provisional
    }
}
