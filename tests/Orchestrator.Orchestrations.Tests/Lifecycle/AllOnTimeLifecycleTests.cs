using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Plan;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds).</summary>
public sealed class AllOnTimeLifecycleTests
{
    [Fact]
    public async Task A_project_whose_departments_all_decide_on_time_runs_from_filing_to_completion_without_escalation()
    {
        await using var t = await StartAsync(Bj("2026-03-02 00:30"));
        const string code = "2603-141124-89-05-346948";
        var view = await t.FileAsync(Request(code, commitments: ["S1-EIA"]));

        // Filing: identifiers, credit (grade A from the sample file), plan, 秒批 filing, commitments published.
        Assert.Equal(ProjectPhase.InApproval, view.Phase);
        Assert.Equal(1, view.Stage);
        Assert.Equal("A", view.Enterprise.Grade?.ToString());
        Assert.Equal(ItemState.Approved, view.Items.Single(i => i.ItemCode == "S1-FILING").State);
        Assert.Equal(ItemState.Committed, view.Items.Single(i => i.ItemCode == "S1-EIA").State);
        Assert.Equal(ItemState.Waived, view.Items.Single(i => i.ItemCode == "S1-ENERGY").State);
        Assert.Equal(HandlingMode.WaivedByRegionalAssessment, view.Items.Single(i => i.ItemCode == "S1-ENERGY").Mode);
        Assert.Contains(view.Commitments, c => c.ItemCode == "S1-EIA" && c.State == CommitmentState.Published);
        Assert.Contains(view.Timeline, e => e.Kind == "filed");
        Assert.NotNull(await t.Queries.GetPlanAsync(code));
        Assert.Single(await t.Credit.ListCommitmentsAsync(GoodUscc));
        Assert.Contains(await t.NotificationsAsync(code), n => n.Kind == "filed" && n.Recipient == $"enterprise:{GoodUscc}");

        // Parallel items of stage 1 are open at once, each with its own clock and a green light.
        var open = view.Items.Where(i => i.Open).ToList();
        Assert.Contains(open, i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Contains(open, i => i.ItemCode == "S1-LIGHTNING");
        Assert.All(open, i => Assert.Equal(SlaLight.Green, i.Light));
        Assert.DoesNotContain(view.Items, i => i.ItemCode.StartsWith("S2-")); // stages in order

        // Every department decides the next working day, stage after stage.
        for (var day = 0; day < 6; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(code);
            if ((await t.ProjectAsync(code)).Phase == ProjectPhase.UnderConstruction) break;
        }
        view = await t.ProjectAsync(code);
        Assert.Equal(ProjectPhase.UnderConstruction, view.Phase);
        Assert.Contains(view.Timeline, e => e.Kind == "construction-permitted");

        // Construction (a week here: the project only waits for the report), then joint acceptance with one deadline
        // and credit acceptance of the commitment.
        await t.AdvanceToAsync(t.Now.AddDays(7));
        var finished = await t.Commands.ReportConstructionFinishedAsync(code, new ConstructionFinished(Platform, Orchestrator.Orchestrations.Calendar.ChinaTime.LocalDate(t.Now).AddDays(-1), "cf-1"));
        Assert.Equal(CommandOutcome.Applied, finished.Outcome);
        view = await t.WaitForAsync(code, v => v.Phase == ProjectPhase.JointAcceptance && Settled(v) && v.Items.Any(i => i.Purpose == ItemRoundPurpose.Acceptance),
            "joint acceptance to start");
        var acceptance = view.Items.Where(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open).ToList();
        Assert.True(acceptance.Count >= 5);
        Assert.Single(acceptance.Select(i => i.Due!.DueAtUtc).Distinct()); // one deadline for all
        Assert.Contains(view.Items, i => i.ItemCode == "S1-EIA" && i.Purpose == ItemRoundPurpose.CommitmentVerification && i.Open
                                         && i.InstanceId == InstanceIds.Verification(code, "S1-EIA"));
        await t.WaitForValueAsync(() => t.NotificationsAsync(code), l => l.Any(n => n.Kind == "joint-acceptance-lead" && n.Recipient == "department:HCD"),
            "the lead department HCD to be told of the joint acceptance");

        await t.AdvanceToAsync(t.Now.AddDays(1));
        await t.ApproveAllOpenAsync(code);

        view = await t.WaitForAsync(code, v => v.RuntimeStatus == "Completed", "the project orchestration to complete");
        Assert.Equal(ProjectPhase.Completed, view.Phase);
        Assert.Equal("Completed", view.RuntimeStatus);
        Assert.Empty(view.Escalations);
        Assert.All(view.Items.SelectMany(i => i.Decisions), d => Assert.Equal(0, d.WorkingDaysLate));
        Assert.Equal(CommitmentState.Kept, view.Commitments.Single().State);
        Assert.Contains(view.CreditEvents, e => e.Event == Orchestrator.Orchestrations.Credit.CreditEvent.CommitmentKept);
        Assert.Equal("completed", view.Timeline[^1].Kind);

        // The custom status is small (the read model lives in tables): well within the one table property DTFx keeps it in.
        var meta = await t.Client.GetInstanceAsync(InstanceIds.Project(code));
        Assert.True(meta!.SerializedCustomStatus!.Length < 16 * 1024, $"custom status is {meta.SerializedCustomStatus.Length} chars");
        Assert.Equal(view.Timeline.Count, meta.ReadCustomStatusAs<ProjectCustomStatus>()!.TimelineEntries);

        // The output is the full timeline.
        var output = (await t.Client.GetInstanceAsync(InstanceIds.Project(code), getInputsAndOutputs: true))!.ReadOutputAs<ProjectStatus>();
        Assert.NotNull(output);
        Assert.Equal(view.Timeline.Count, output!.Timeline.Count);
    }
}
