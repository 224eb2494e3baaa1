using Orchestrator.Durable;
using Orchestrator.Durable.Testing;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// An escalation whose reason disappears (the item is decided or superseded, or the project ends) ends as Moot:
/// the meeting stops waiting, its convene and leadership timers are cancelled, and nobody is escalated afterwards.
/// </summary>
public sealed class MootEscalationLifecycleTests
{
    private const string Code = "2604-620300-89-05-100077";
    private const string AcceptanceCode = "2603-620300-89-05-500077";

    private static async Task<OrchestrationMetadata> MeetingAsync(LifecycleTestHost t, string code, int sequence)
    {
        var m = await t.Client.GetInstanceAsync(InstanceIds.JointMeeting(code, sequence), getInputsAndOutputs: true);
        Assert.NotNull(m);
        return m!;
    }

    private static async Task<LifecycleTestHost> LightningEscalatedAsync()
    {
        var t = await StartAsync(Bj("2026-04-13 09:00"));
        await t.FileAsync(Request(Code));
        await t.ApproveAllOpenAsync(Code, "S1-LIGHTNING"); // due 2026-04-20
        await t.AdvanceToAsync(Bj("2026-04-21 09:00"));   // overdue: meeting 1, to convene by 2026-04-24
        var e = Assert.Single((await t.ProjectAsync(Code)).Escalations);
        Assert.Equal(EscalationState.Open, e.State);
        return t;
    }

    [Fact]
    public async Task A_late_decision_after_escalation_makes_the_open_meeting_moot_and_no_leadership_escalation_follows_even_months_later()
    {
        await using var t = await LightningEscalatedAsync();

        // MET decides late, before anybody convened the meeting.
        await t.AdvanceToAsync(Bj("2026-04-22 10:00"));
        await t.ApproveAsync(Code, "S1-LIGHTNING");
        var view = await t.ProjectAsync(Code);
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Moot, escalation.State);
        Assert.Equal(EscalationLevel.JointMeeting, escalation.Level);
        Assert.Contains("S1-LIGHTNING", escalation.MootReason);
        Assert.Contains("approved", escalation.MootReason);
        Assert.Null(escalation.ResolvedAt);
        Assert.NotNull(escalation.MootAt);
        Assert.Contains(view.Timeline, e => e.Kind == "escalation-moot");

        // The meeting itself ended as moot with the reason, and told the agency centre it need not convene.
        var meeting = await MeetingAsync(t, Code, 1);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meeting.RuntimeStatus);
        var status = meeting.ReadOutputAs<JointMeetingStatus>()!;
        Assert.Equal(EscalationState.Moot, status.State);
        Assert.Contains("S1-LIGHTNING", status.MootReason);
        Assert.Contains(await t.Outbox.ListAsync(Code), n => n.Kind == "joint-meeting-moot" && n.Recipient == "agency-centre");
        Assert.DoesNotContain(await t.Queries.ListEscalationsAsync(), e => e.ProjectCode == Code);
        Assert.Contains(await t.Queries.ListEscalationsAsync(openOnly: false), e => e.ProjectCode == Code && e.State == EscalationState.Moot);

        // A resolution recorded afterwards is refused with the reason; the project moves on.
        var late = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("agency-centre", "ops"), t.Now,
            ["MET"], "too late", [], "jm-late"));
        Assert.Equal(CommandOutcome.NotOpen, late.Outcome);
        Assert.Contains("moot", late.Message, StringComparison.OrdinalIgnoreCase);
        await t.ApproveAllOpenAsync(Code);
        Assert.Equal(ProjectPhase.UnderConstruction, (await t.ProjectAsync(Code)).Phase);

        // Months later: nobody was escalated to the leadership, the escalation is still moot.
        await t.AdvanceToAsync(Bj("2026-08-03 09:00"));
        view = await t.ProjectAsync(Code);
        escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Moot, escalation.State);
        Assert.Equal(EscalationLevel.JointMeeting, escalation.Level);
        Assert.DoesNotContain(view.Timeline, e => e.Kind == "escalated-leadership");
        Assert.DoesNotContain(await t.Outbox.ListAsync(Code), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }

    [Fact]
    public async Task A_material_change_that_supersedes_the_escalated_round_makes_its_meeting_moot()
    {
        await using var t = await LightningEscalatedAsync();
        var r = await t.Commands.ReportMaterialChangeAsync(Code, new MaterialChange(Platform, ReapprovalReason.ScaleChanged, ["S1-LIGHTNING"], "扩建 2000 m²", "mc-1"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        var view = await t.ProjectAsync(Code);
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Moot, escalation.State);
        Assert.Contains("round 2", escalation.MootReason);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await MeetingAsync(t, Code, 1)).RuntimeStatus);
    }

    private static async Task<LifecycleTestHost> AcceptanceOverdueAsync()
    {
        var t = await StartAsync(Bj("2026-03-02 09:00"));
        await t.FileAsync(Request(AcceptanceCode, commitments: []));
        for (var day = 0; day < 6 && (await t.ProjectAsync(AcceptanceCode)).Phase != ProjectPhase.UnderConstruction; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(AcceptanceCode);
        }
        Assert.Equal(ProjectPhase.UnderConstruction, (await t.ProjectAsync(AcceptanceCode)).Phase);
        await t.AdvanceToAsync(Bj("2026-11-02 09:00"));
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportConstructionFinishedAsync(AcceptanceCode, new ConstructionFinished(Platform, new DateOnly(2026, 10, 30), "cf"))).Outcome);
        // The shared acceptance deadline is 2026-11-16: every acceptance item escalates on the 17th.
        await t.AdvanceToAsync(Bj("2026-11-17 09:00"));
        var view = await t.ProjectAsync(AcceptanceCode);
        Assert.True(view.Escalations.Count >= 2, $"{view.Escalations.Count} escalations");
        Assert.All(view.Escalations, e => Assert.Equal(EscalationState.Open, e.State));
        return t;
    }

    private static async Task AssertNoMeetingRunsAsync(LifecycleTestHost t, string code)
    {
        var meetings = await t.Client.QueryInstancesAsync(new OrchestrationQuery
        {
            Name = LifecycleOrchestrators.JointMeeting, InstanceIdPrefix = InstanceIds.Project(code) + "-meeting-", FetchInputsAndOutputs = true,
        });
        Assert.NotEmpty(meetings.Instances);
        Assert.All(meetings.Instances, m =>
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
            Assert.Equal(EscalationState.Moot, m.ReadOutputAs<JointMeetingStatus>()!.State);
        });
        Assert.DoesNotContain(await t.Queries.ListEscalationsAsync(), e => e.ProjectCode == code);
    }

    [Fact]
    public async Task A_project_that_completes_leaves_no_joint_meeting_running()
    {
        await using var t = await AcceptanceOverdueAsync();
        await t.ApproveAllOpenAsync(AcceptanceCode);
        var view = await t.ProjectAsync(AcceptanceCode);
        Assert.Equal(ProjectPhase.Completed, view.Phase);
        Assert.All(view.Escalations, e => Assert.Equal(EscalationState.Moot, e.State));
        await AssertNoMeetingRunsAsync(t, AcceptanceCode);

        await t.AdvanceToAsync(Bj("2027-03-01 09:00"));
        Assert.DoesNotContain(await t.Outbox.ListAsync(AcceptanceCode), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }

    [Fact]
    public async Task A_project_that_fails_acceptance_leaves_no_joint_meeting_running()
    {
        await using var t = await AcceptanceOverdueAsync();
        var before = (await t.ProjectAsync(AcceptanceCode)).Escalations.Count;
        await t.DecideAsync(AcceptanceCode, "S4-QUALITY-SUPERVISION", DepartmentDecision.Reject(Dept("HCD"), "q-fail", "structural defects"));
        var view = await t.ProjectAsync(AcceptanceCode);
        Assert.Equal(ProjectPhase.Closed, view.Phase);
        Assert.Equal(before, view.Escalations.Count);
        Assert.All(view.Escalations, e => Assert.Equal(EscalationState.Moot, e.State));
        // The other items' meetings end because the project closed, with that reason.
        Assert.Contains(view.Escalations, e => e.MootReason!.Contains("Project closed") && !e.ItemCodes.Contains("S4-QUALITY-SUPERVISION"));
        await AssertNoMeetingRunsAsync(t, AcceptanceCode);

        await t.AdvanceToAsync(Bj("2027-03-01 09:00"));
        Assert.DoesNotContain(await t.Outbox.ListAsync(AcceptanceCode), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }

    [Fact]
    public async Task A_meeting_that_already_resolved_stays_resolved_when_the_item_is_decided_and_a_late_moot_is_harmless()
    {
        await using var t = await LightningEscalatedAsync();
        var r = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("agency-centre", "ops"), t.Now,
            ["MET", "agency centre"], "MET to decide within 2 working days", [new FollowUpAssignment("S1-LIGHTNING", 2, "decide")], "jm-1"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        Assert.Equal(EscalationState.Resolved, Assert.Single((await t.ProjectAsync(Code)).Escalations).State);

        await t.ApproveAsync(Code, "S1-LIGHTNING");
        await t.ApproveAllOpenAsync(Code);
        await t.AdvanceToAsync(Bj("2026-08-03 09:00"));
        var view = await t.ProjectAsync(Code);
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Resolved, escalation.State);
        Assert.Null(escalation.MootReason);
        Assert.DoesNotContain(view.Timeline, e => e.Kind == "escalation-moot");
        var meeting = await MeetingAsync(t, Code, 1);
        Assert.Equal(EscalationState.Resolved, meeting.ReadOutputAs<JointMeetingStatus>()!.State);

        // Raising the moot event on the ended meeting is refused by the engine and changes nothing.
        await Assert.ThrowsAsync<OrchestrationNotRunningException>(() =>
            t.Client.RaiseEventAsync(meeting.InstanceId, LifecycleEvents.JointMeetingMoot, new JointMeetingMoot("late", t.Now)));
        await t.Host.RunUntilIdleAsync();
        meeting = await MeetingAsync(t, Code, 1);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meeting.RuntimeStatus);
        Assert.Equal(EscalationState.Resolved, meeting.ReadOutputAs<JointMeetingStatus>()!.State);
    }

    [Fact]
    public async Task A_resolution_and_a_decision_arriving_together_leave_the_meeting_resolved()
    {
        await using var t = await LightningEscalatedAsync();
        // The department decides and the agency centre records the resolution at the same moment: the item's round ends and
        // the project asks the meeting to end as moot, but the meeting already holds its resolution.
        var dept = await t.Commands.RecordDecisionAsync("MET", Code, "S1-LIGHTNING", DepartmentDecision.Approve(Dept("MET"), "approve-race"));
        var res = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("agency-centre", "ops"), t.Now,
            ["MET"], "MET to decide", [], "jm-race"));
        Assert.Equal(CommandOutcome.Applied, dept.Outcome);
        Assert.Equal(CommandOutcome.Applied, res.Outcome);
        var view = await t.ProjectAsync(Code);
        Assert.Equal(EscalationState.Resolved, Assert.Single(view.Escalations).State);
        Assert.Equal("Running", view.RuntimeStatus);
        var meeting = await MeetingAsync(t, Code, 1);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meeting.RuntimeStatus);
        Assert.Equal(EscalationState.Resolved, meeting.ReadOutputAs<JointMeetingStatus>()!.State);
    }

    [Fact]
    public async Task SendEvent_to_an_ended_instance_does_not_fail_the_sender()
    {
        // The project relies on this when it tells a meeting that has just ended (resolved) that it is moot.
        await using var host = await DurableTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<string, string>("Target", (ctx, s) => Task.FromResult(s));
            registry.AddOrchestratorFunc<string, string>("Sender", async (ctx, target) =>
            {
                ctx.SendEvent(target, "Moot", new JointMeetingMoot("ended already", ctx.CurrentUtcDateTime));
                await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                return "sent";
            });
        });
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Target", "done", new StartOrchestrationOptions { InstanceId = "target-1" });
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.WaitForInstanceCompletionAsync("target-1")).RuntimeStatus);

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Sender", "target-1", new StartOrchestrationOptions { InstanceId = "sender-1" });
        await host.RunUntilIdleAsync();
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
        var sender = await host.Client.WaitForInstanceCompletionAsync("sender-1", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, sender.RuntimeStatus);
        Assert.Equal("sent", sender.ReadOutputAs<string>());
        var target = await host.Client.GetInstanceAsync("target-1", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, target!.RuntimeStatus);
        Assert.Equal("done", target.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_project_terminated_by_ops_takes_its_items_and_open_meeting_with_it_and_nobody_is_escalated_later()
    {
        await using var t = await LightningEscalatedAsync();

        await t.Client.TerminateInstanceAsync(InstanceIds.Project(Code), "withdrawn by the applicant");
        await t.Host.RunUntilIdleAsync();

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await t.Client.GetInstanceAsync(InstanceIds.Project(Code)))!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await MeetingAsync(t, Code, 1)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await t.Client.GetInstanceAsync(InstanceIds.Item(Code, "S1-LIGHTNING")))!.RuntimeStatus);

        // Months later: no leadership escalation and no reminder for the terminated project.
        var before = (await t.Outbox.ListAsync(Code)).Count;
        await t.AdvanceToAsync(Bj("2026-07-01 09:00"));
        Assert.Equal(before, (await t.Outbox.ListAsync(Code)).Count);
        Assert.DoesNotContain(await t.Outbox.ListAsync(Code), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }
}
