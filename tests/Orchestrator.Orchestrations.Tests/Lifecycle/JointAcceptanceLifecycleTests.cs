using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Tests.Support;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// Domain speed 20,000 (a domain day in 4.3 real seconds). Construction takes a day here instead of months (the project
/// only waits for the report), so the deadlines are checked against the working-day calendar from the day of the report.
/// </summary>
public sealed class JointAcceptanceLifecycleTests
{
    private const string Code = "2603-620300-89-05-500005";

    /// <summary>The project under joint acceptance; returns the host and the instant construction finished was reported (00:30 local).</summary>
    private static async Task<(LifecycleTestHost Host, DateTimeOffset ReportedAt)> UnderConstructionAsync(string[]? commitments = null)
    {
        var t = await StartAsync(Bj("2026-03-02 00:30"));
        await t.FileAsync(Request(Code, commitments: commitments ?? ["S1-EIA", "S1-LIGHTNING"]));
        for (var day = 0; day < 6 && (await t.ProjectAsync(Code)).Phase != ProjectPhase.UnderConstruction; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(Code);
        }
        Assert.Equal(ProjectPhase.UnderConstruction, (await t.ProjectAsync(Code)).Phase);
        // Report early on the next local day, so that the project starts acceptance on that day.
        var reportAt = new DateTimeOffset(ChinaTime.LocalDate(t.Now).AddDays(1).ToDateTime(new TimeOnly(0, 30)), TimeSpan.FromHours(8));
        await t.AdvanceToAsync(reportAt);
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportConstructionFinishedAsync(Code,
            new ConstructionFinished(Platform, ChinaTime.LocalDate(reportAt).AddDays(-1), "cf"))).Outcome);
        await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.JointAcceptance && Settled(v) && v.Items.Any(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open),
            "joint acceptance to start");
        return (t, reportAt);
    }

    private static DateOnly WorkingDaysAfter(DateTimeOffset at, int days) => ChinaTime.LocalDate(TestData.ShippedCalendar.AddWorkingDays(at, days).Value);

    [Fact]
    public async Task A_rectification_at_joint_acceptance_is_reinspected_after_the_report_and_the_project_completes()
    {
        var (t, reportedAt) = await UnderConstructionAsync();
        await using var _ = t;
        var view = await t.ProjectAsync(Code);
        Assert.Equal(ProjectPhase.JointAcceptance, view.Phase);
        var shared = view.Items.Where(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open).Select(i => i.Due!.DueDateLocal).Distinct().Single();
        Assert.Equal(WorkingDaysAfter(reportedAt, 10), shared); // one deadline: 10 working days

        // Fire acceptance finds defects: rectify within 5 working days.
        var rectify = await t.DecideAsync(Code, "S4-FIRE-ACCEPTANCE", DepartmentDecision.Rectify(Dept("FIRE"), "fire-rectify", 5, "sprinkler pressure below design"));
        Assert.Equal(CommandOutcome.Applied, rectify.Outcome);
        await t.ApproveAllOpenAsync(Code, "S4-FIRE-ACCEPTANCE");
        view = await t.ProjectAsync(Code);
        var fire = view.Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE");
        Assert.Equal(ItemState.Rectifying, fire.State);
        Assert.Equal(WorkingDaysAfter(reportedAt, 5), fire.Due!.DueDateLocal); // decided on the day of the report
        Assert.Equal(ProjectPhase.JointAcceptance, view.Phase);
        Assert.DoesNotContain(view.Items, i => i.ItemCode == "S4-COMPLETION-FILING"); // waits for every acceptance

        // The enterprise reports the rectification (three days later, within its deadline); the fire authority re-inspects and passes it.
        await t.AdvanceToAsync(reportedAt.AddDays(3));
        var report = await t.Commands.SubmitMaterialsAsync(Code, "S4-FIRE-ACCEPTANCE", new MaterialsSupplied(Platform, ["rectification report", "pressure test"], "rect-1"));
        Assert.Equal(CommandOutcome.Applied, report.Outcome);
        fire = (await t.WaitForAsync(Code, v => v.Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE").State == ItemState.UnderReview, "the rectification report to reopen the review"))
            .Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE");
        Assert.Equal(ItemState.UnderReview, fire.State);
        await t.ApproveAllOpenAsync(Code);

        view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.Completed, "the project to complete");
        fire = view.Items.Single(i => i.ItemCode == "S4-FIRE-ACCEPTANCE");
        Assert.Equal(["rectify", "rectification-reported", "approve"], fire.Decisions.Where(d => d.Entry is "rectify" or "rectification-reported" or "approve").Select(d => d.Entry));
        Assert.All(view.Commitments, c => Assert.Equal(CommitmentState.Kept, c.State));
        Assert.Equal(2, view.CreditEvents.Count(e => e.Event == CreditEvent.CommitmentKept));
    }

    [Fact]
    public async Task Credit_acceptance_records_a_broken_commitment_as_a_credit_event_and_still_completes_the_project()
    {
        var (t, _) = await UnderConstructionAsync();
        await using var __ = t;
        var r = await t.DecideAsync(Code, "S1-LIGHTNING", DepartmentDecision.Reject(Dept("MET"), "verify-lightning", "lightning protection not installed as committed"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        await t.ApproveAllOpenAsync(Code);
        var view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.Completed, "the project to complete");
        Assert.Equal(CommitmentState.Broken, view.Commitments.Single(c => c.ItemCode == "S1-LIGHTNING").State);
        Assert.Equal(CommitmentState.Kept, view.Commitments.Single(c => c.ItemCode == "S1-EIA").State);
        var credit = await t.Credit.FindAsync(GoodUscc);
        Assert.True(credit!.HasPriorFalseCommitment); // 国办发〔2020〕42号: no commitment until repaired
        Assert.Contains(view.Timeline, e => e.Kind == "credit-acceptance" && e.Text.Contains("1 broken"));
    }

    [Fact]
    public async Task A_failed_joint_acceptance_closes_the_project_with_the_reason()
    {
        var (t, _) = await UnderConstructionAsync([]);
        await using var __ = t;
        await t.DecideAsync(Code, "S4-QUALITY-SUPERVISION", DepartmentDecision.Reject(Dept("HCD"), "q-fail", "structural defects"));
        var view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.Closed, "the project to close");
        Assert.Contains("structural defects", view.ClosedReason);
    }
}
