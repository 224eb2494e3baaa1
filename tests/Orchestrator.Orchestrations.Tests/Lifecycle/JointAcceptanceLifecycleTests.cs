using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

public sealed class JointAcceptanceLifecycleTests
{
    private const string Code = "2603-620300-89-05-500005";

    private static async Task<LifecycleTestHost> UnderConstructionAsync(string[]? commitments = null)
    {
        var t = await StartAsync(Bj("2026-03-02 09:00"));
        await t.FileAsync(Request(Code, commitments: commitments ?? ["S1-EIA", "S1-LIGHTNING"]));
        for (var day = 0; day < 6 && (await t.ProjectAsync(Code)).Phase != ProjectPhase.UnderConstruction; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(Code);
        }
        Assert.Equal(ProjectPhase.UnderConstruction, (await t.ProjectAsync(Code)).Phase);
        await t.AdvanceToAsync(Bj("2026-11-02 09:00"));
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportConstructionFinishedAsync(Code, new ConstructionFinished(Platform, new DateOnly(2026, 10, 30), "cf"))).Outcome);
        return t;
    }

    [Fact]
    public async Task A_rectification_at_joint_acceptance_is_reinspected_after_the_report_and_the_project_completes()
    {
        await using var t = await UnderConstructionAsync();
        var view = await t.ProjectAsync(Code);
        Assert.Equal(ProjectPhase.JointAcceptance, view.Phase);
        var shared = view.Items.Where(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open).Select(i => i.Due!.DueDateLocal).Distinct().Single();
        Assert.Equal(new DateOnly(2026, 11, 16), shared); // one deadline: 10 working days

        // Fire acceptance finds defects: rectify within 5 working days.
        var rectify = await t.DecideAsync(Code, "S4-FIRE-ACCEPTANCE", DepartmentDecision.Rectify(Dept("FIRE"), "fire-rectify", 5, "sprinkler pressure below design"));
        Assert.Equal(CommandOutcome.Applied, rectify.Outcome);
        await t.ApproveAllOpenAsync(Code, "S4-FIRE-ACCEPTANCE");
        view = await t.ProjectAsync(Code);
        var fire = view.Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE");
        Assert.Equal(ItemState.Rectifying, fire.State);
        Assert.Equal(new DateOnly(2026, 11, 9), fire.Due!.DueDateLocal);
        Assert.Equal(ProjectPhase.JointAcceptance, view.Phase);
        Assert.DoesNotContain(view.Items, i => i.ItemCode == "S4-COMPLETION-FILING"); // waits for every acceptance

        // The enterprise reports the rectification; the fire authority re-inspects and passes it.
        await t.AdvanceToAsync(Bj("2026-11-05 10:00"));
        var report = await t.Commands.SubmitMaterialsAsync(Code, "S4-FIRE-ACCEPTANCE", new MaterialsSupplied(Platform, ["rectification report", "pressure test"], "rect-1"));
        Assert.Equal(CommandOutcome.Applied, report.Outcome);
        fire = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE");
        Assert.Equal(ItemState.UnderReview, fire.State);
        await t.ApproveAllOpenAsync(Code);

        view = await t.ProjectAsync(Code);
        Assert.Equal(ProjectPhase.Completed, view.Phase);
        fire = view.Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE");
        Assert.Equal(["rectify", "rectification-reported", "approve"], fire.Decisions.Where(d => d.Entry is "rectify" or "rectification-reported" or "approve").Select(d => d.Entry));
        Assert.All(view.Commitments, c => Assert.Equal(CommitmentState.Kept, c.State));
        Assert.Equal(2, view.CreditEvents.Count(e => e.Event == CreditEvent.CommitmentKept));
    }

    [Fact]
    public async Task Credit_acceptance_records_a_broken_commitment_as_a_credit_event_and_still_completes_the_project()
    {
        await using var t = await UnderConstructionAsync();
        var r = await t.DecideAsync(Code, "S1-LIGHTNING", DepartmentDecision.Reject(Dept("MET"), "verify-lightning", "lightning protection not installed as committed"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        await t.ApproveAllOpenAsync(Code);
        var view = await t.ProjectAsync(Code);
        Assert.Equal(ProjectPhase.Completed, view.Phase);
        Assert.Equal(CommitmentState.Broken, view.Commitments.Single(c => c.ItemCode == "S1-LIGHTNING").State);
        Assert.Equal(CommitmentState.Kept, view.Commitments.Single(c => c.ItemCode == "S1-EIA").State);
        var credit = await t.Credit.FindAsync(GoodUscc);
        Assert.True(credit!.HasPriorFalseCommitment); // 国办发〔2020〕42号: no commitment until repaired
        Assert.Contains(view.Timeline, e => e.Kind == "credit-acceptance" && e.Text.Contains("1 broken"));
    }

    [Fact]
    public async Task A_failed_joint_acceptance_closes_the_project_with_the_reason()
    {
        await using var t = await UnderConstructionAsync([]);
        await t.DecideAsync(Code, "S4-QUALITY-SUPERVISION", DepartmentDecision.Reject(Dept("HCD"), "q-fail", "structural defects"));
        var view = await t.ProjectAsync(Code);
        Assert.Equal(ProjectPhase.Closed, view.Phase);
        Assert.Contains("structural defects", view.ClosedReason);
    }
}
