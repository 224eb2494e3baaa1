using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// An escalation whose reason disappears (the item is decided or superseded, or the project ends) ends as Moot:
/// the meeting stops waiting, its convene and leadership timers end with it (a completed orchestration fires no timer),
/// and nobody is escalated afterwards. Domain speed 20,000 (a domain day in 4.3 real seconds).
/// </summary>
public sealed class MootEscalationLifecycleTests
{
    internal const string Code = "2604-620300-89-05-100077";

    internal static async Task<OrchestrationMetadata> MeetingAsync(LifecycleTestHost t, string code, int sequence)
    {
        var m = await t.Client.GetInstanceAsync(InstanceIds.JointMeeting(code, sequence), getInputsAndOutputs: true);
        Assert.NotNull(m);
        return m!;
    }

    /// <summary>Waits until the meeting has ended and returns it with its output.</summary>
    internal static Task<OrchestrationMetadata> EndedMeetingAsync(LifecycleTestHost t, string code, int sequence) =>
        t.WaitForValueAsync(() => MeetingAsync(t, code, sequence), m => m.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Failed,
            $"joint meeting {sequence} of {code} to end");

    internal static async Task<LifecycleTestHost> LightningEscalatedAsync()
    {
        var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.ApproveAllOpenAsync(Code, "S1-LIGHTNING"); // due 2026-04-20
        await t.AdvanceToAsync(Bj("2026-04-21 00:00"));   // overdue: meeting 1, to convene by 2026-04-24
        var view = await t.WaitForAsync(Code, v => v.Escalations.Count > 0 && Settled(v), "S1-LIGHTNING to escalate", Bj("2026-04-21 23:59"));
        var e = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Open, e.State);
        // The project records the escalation when it schedules the meeting; the meeting instance exists a moment later.
        await t.WaitForValueAsync(() => t.Client.GetInstanceAsync(e.MeetingInstanceId), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Running, "the joint meeting to run");
        return t;
    }

    [Fact]
    public async Task A_late_decision_after_escalation_makes_the_open_meeting_moot_and_no_leadership_escalation_follows()
    {
        await using var t = await LightningEscalatedAsync();

        // MET decides late, before anybody convened the meeting.
        await t.AdvanceToAsync(Bj("2026-04-22 00:30"));
        await t.ApproveAsync(Code, "S1-LIGHTNING");
        var view = await t.WaitForAsync(Code, v => v.Escalations.Single().State == EscalationState.Moot, "the escalation to become moot", Bj("2026-04-24 23:59"));
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Moot, escalation.State);
        Assert.Equal(EscalationLevel.JointMeeting, escalation.Level);
        Assert.Contains("S1-LIGHTNING", escalation.MootReason);
        Assert.Contains("approved", escalation.MootReason);
        Assert.Null(escalation.ResolvedAt);
        Assert.NotNull(escalation.MootAt);
        Assert.Contains(view.Timeline, e => e.Kind == "escalation-moot");

        // The meeting itself ended as moot with the reason (before its convene deadline: its timer ended with it), and told the agency centre it need not convene.
        var meeting = await EndedMeetingAsync(t, Code, 1);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meeting.RuntimeStatus);
        var status = meeting.ReadOutputAs<JointMeetingStatus>()!;
        Assert.Equal(EscalationState.Moot, status.State);
        Assert.Contains("S1-LIGHTNING", status.MootReason);
        Assert.True(status.MootAt < status.ConveneBy, $"moot at {status.MootAt}, convene by {status.ConveneBy}");
        await t.WaitForValueAsync(() => t.NotificationsAsync(Code), l => l.Any(n => n.Kind == "joint-meeting-moot" && n.Recipient == "agency-centre"), "the agency centre told the meeting is moot");
        Assert.DoesNotContain(await t.Queries.ListEscalationsAsync(), e => e.ProjectCode == Code);
        Assert.Contains(await t.Queries.ListEscalationsAsync(openOnly: false), e => e.ProjectCode == Code && e.State == EscalationState.Moot);

        // A resolution recorded afterwards is refused with the reason; the project moves on.
        var late = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("agency-centre", "ops"), t.Now,
            ["MET"], "too late", [], "jm-late"));
        Assert.Equal(CommandOutcome.NotOpen, late.Outcome);
        Assert.Contains("moot", late.Message, StringComparison.OrdinalIgnoreCase);
        await t.ApproveAllOpenAsync(Code);
        view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.UnderConstruction, "construction to be permitted");

        // The meeting has ended, so no timer of its can escalate later; the escalation is still moot, nobody went to the leadership.
        escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Moot, escalation.State);
        Assert.Equal(EscalationLevel.JointMeeting, escalation.Level);
        Assert.DoesNotContain(view.Timeline, e => e.Kind == "escalated-leadership");
        Assert.DoesNotContain(await t.NotificationsAsync(Code), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }

    [Fact]
    public async Task A_material_change_that_supersedes_the_escalated_round_makes_its_meeting_moot()
    {
        await using var t = await LightningEscalatedAsync();
        var r = await t.Commands.ReportMaterialChangeAsync(Code, new MaterialChange(Platform, ReapprovalReason.ScaleChanged, ["S1-LIGHTNING"], "扩建 2000 m²", "mc-1"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        var view = await t.WaitForAsync(Code, v => v.Escalations.Single().State == EscalationState.Moot, "the escalation to become moot");
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Moot, escalation.State);
        Assert.Contains("round 2", escalation.MootReason);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await EndedMeetingAsync(t, Code, 1)).RuntimeStatus);
    }

    [Fact]
    public async Task SendEvent_to_an_ended_instance_does_not_fail_the_sender()
    {
        // The project relies on this when it tells a meeting that has just ended (resolved) that it is moot.
        await using var t = await StartAsync(Bj("2026-04-13 00:30"), services: s => s.AddDurableTaskWorker(b => b.AddTasks(registry =>
        {
            registry.AddOrchestratorFunc<string, string>("Target", (ctx, s) => Task.FromResult(s));
            registry.AddOrchestratorFunc<string, string>("Sender", async (ctx, target) =>
            {
                ctx.SendEvent(target, "Moot", new JointMeetingMoot("ended already", ctx.CurrentUtcDateTime));
                await ctx.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);
                return "sent";
            });
        })));
        using var cts = new CancellationTokenSource(LifecycleTestHost.Timeout);
        await t.Client.ScheduleNewOrchestrationInstanceAsync("Target", "done", new StartOrchestrationOptions("target-1"));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await t.Client.WaitForInstanceCompletionAsync("target-1", cts.Token)).RuntimeStatus);

        await t.Client.ScheduleNewOrchestrationInstanceAsync("Sender", "target-1", new StartOrchestrationOptions("sender-1"));
        var sender = await t.Client.WaitForInstanceCompletionAsync("sender-1", getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, sender.RuntimeStatus);
        Assert.Equal("sent", sender.ReadOutputAs<string>());
        var target = await t.Client.GetInstanceAsync("target-1", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, target!.RuntimeStatus);
        Assert.Equal("done", target.ReadOutputAs<string>());
    }


/// <summary>Moot against a resolution already held, and a project terminated with its meeting open. Domain speed 20,000.</summary>
public sealed class MootRaceLifecycleTests
{
    private const string Code = MootEscalationLifecycleTests.Code;
    private static Task<LifecycleTestHost> LightningEscalatedAsync() => MootEscalationLifecycleTests.LightningEscalatedAsync();
    private static Task<OrchestrationMetadata> MeetingAsync(LifecycleTestHost t, string code, int sequence) => MootEscalationLifecycleTests.MeetingAsync(t, code, sequence);
    private static Task<OrchestrationMetadata> EndedMeetingAsync(LifecycleTestHost t, string code, int sequence) => MootEscalationLifecycleTests.EndedMeetingAsync(t, code, sequence);

    [Fact]
    public async Task A_meeting_that_already_resolved_stays_resolved_when_the_item_is_decided_and_a_late_moot_is_harmless()
    {
        await using var t = await LightningEscalatedAsync();
        var r = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("agency-centre", "ops"), t.Now,
            ["MET", "agency centre"], "MET to decide within 2 working days", [new FollowUpAssignment("S1-LIGHTNING", 2, "decide")], "jm-1"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        Assert.Equal(EscalationState.Resolved, Assert.Single((await t.WaitForAsync(Code, v => v.Escalations.Single().State == EscalationState.Resolved, "the resolution")).Escalations).State);

        await t.ApproveAsync(Code, "S1-LIGHTNING");
        await t.ApproveAllOpenAsync(Code);
        var view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.UnderConstruction, "construction to be permitted");
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationState.Resolved, escalation.State);
        Assert.Null(escalation.MootReason);
        Assert.DoesNotContain(view.Timeline, e => e.Kind == "escalation-moot");
        var meeting = await EndedMeetingAsync(t, Code, 1);
        Assert.Equal(EscalationState.Resolved, meeting.ReadOutputAs<JointMeetingStatus>()!.State);

        // Raising the moot event on the ended meeting: DTFx accepts the message and drops it (no error); the meeting stays resolved.
        await t.Client.RaiseEventAsync(meeting.InstanceId, LifecycleEvents.JointMeetingMoot, new JointMeetingMoot("late", t.Now));
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
        var meeting = await EndedMeetingAsync(t, Code, 1);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meeting.RuntimeStatus);
        Assert.Equal(EscalationState.Resolved, meeting.ReadOutputAs<JointMeetingStatus>()!.State);
        var view = await t.WaitForAsync(Code, v => v.Escalations.Single().State != EscalationState.Open
                                                   && v.Items.Single(i => i.ItemCode == "S1-LIGHTNING").State == ItemState.Approved, "the decision and the resolution to reach the project");
        Assert.Equal(EscalationState.Resolved, Assert.Single(view.Escalations).State);
        Assert.Equal("Running", view.RuntimeStatus);
    }

    [Fact]
    public async Task A_project_terminated_by_ops_takes_its_items_and_open_meeting_with_it()
    {
        await using var t = await LightningEscalatedAsync();

        // The service's DurableTaskClient terminates sub-orchestrations with their parent (DTFx alone would not).
        await t.Client.TerminateInstanceAsync(InstanceIds.Project(Code), new TerminateInstanceOptions("withdrawn by the applicant", Recursive: true));

        await t.WaitForValueAsync(() => t.Client.GetInstanceAsync(InstanceIds.Project(Code)), m => m!.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, "the project to be terminated");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await EndedMeetingAsync(t, Code, 1)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await t.WaitForValueAsync(() => t.Client.GetInstanceAsync(InstanceIds.Item(Code, "S1-LIGHTNING")),
            m => m!.RuntimeStatus != OrchestrationRuntimeStatus.Running, "the open round to end"))!.RuntimeStatus);

        // None of the project's item rounds or meetings is left running (so no timer of theirs can remind or escalate later).
        async Task<List<OrchestrationMetadata>> ChildrenAsync()
        {
            var list = new List<OrchestrationMetadata>();
            foreach (var prefix in new[] { $"{InstanceIds.ItemPrefix}{Code}-", $"{InstanceIds.MeetingPrefix}{Code}-" })
                await foreach (var m in t.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }))
                    list.Add(m);
            return list;
        }
        var children = await t.WaitForValueAsync(ChildrenAsync, l => l.All(m => m.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)),
            "every item round and meeting of the project to have ended");
        Assert.Contains(children, m => m.InstanceId == InstanceIds.JointMeeting(Code, 1));
        Assert.True(children.Count >= 5, $"{children.Count} children");
    }
}
}

/// <summary>Escalations still open when the project ends become moot. Domain speed 20,000.</summary>
public sealed class MootAtProjectEndLifecycleTests
{
    private const string AcceptanceCode = "2603-620300-89-05-500077";

    /// <summary>Acceptance overdue: every acceptance item escalated (a 2-working-day shared limit here, instead of 10, to keep the test short).</summary>
    private static async Task<LifecycleTestHost> AcceptanceOverdueAsync()
    {
        var t = await StartAsync(Bj("2026-03-02 00:30"), settings: new Dictionary<string, string?> { ["Lifecycle:JointAcceptanceLimitDays"] = "2" });
        await t.FileAsync(Request(AcceptanceCode, commitments: []));
        for (var day = 0; day < 6 && (await t.ProjectAsync(AcceptanceCode)).Phase != ProjectPhase.UnderConstruction; day++)
        {
            await t.AdvanceToAsync(t.Now.AddDays(1));
            await t.ApproveAllOpenAsync(AcceptanceCode);
        }
        Assert.Equal(ProjectPhase.UnderConstruction, (await t.ProjectAsync(AcceptanceCode)).Phase);
        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportConstructionFinishedAsync(AcceptanceCode,
            new ConstructionFinished(Platform, ChinaTime.LocalDate(t.Now), "cf"))).Outcome);
        var view = await t.WaitForAsync(AcceptanceCode, v => v.Phase == ProjectPhase.JointAcceptance && Settled(v) && v.Items.Any(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open),
            "joint acceptance to start");
        var shared = view.Items.First(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open).Due!.DueAtUtc;
        // Every acceptance item escalates once the shared deadline has passed.
        await t.AdvanceToAsync(shared);
        view = await t.WaitForAsync(AcceptanceCode, v => Settled(v) && v.Escalations.Count >= 2
                && v.Items.Where(i => i.Purpose == ItemRoundPurpose.Acceptance && i.Open).All(i => v.Escalations.Any(e => e.ItemCodes.Contains(i.ItemCode))),
            "every open acceptance item to escalate", shared.AddDays(1));
        Assert.All(view.Escalations, e => Assert.Equal(EscalationState.Open, e.State));
        return t;
    }

    private static async Task AssertNoMeetingRunsAsync(LifecycleTestHost t, string code)
    {
        async Task<List<OrchestrationMetadata>> MeetingsAsync()
        {
            var list = new List<OrchestrationMetadata>();
            await foreach (var m in t.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = $"{InstanceIds.MeetingPrefix}{code}-", FetchInputsAndOutputs = true }))
                list.Add(m);
            return list;
        }
        var meetings = await t.WaitForValueAsync(MeetingsAsync, l => l.Count > 0 && l.All(m => m.RuntimeStatus == OrchestrationRuntimeStatus.Completed), "every joint meeting to end");
        Assert.All(meetings, m => Assert.Equal(EscalationState.Moot, m.ReadOutputAs<JointMeetingStatus>()!.State));
        Assert.DoesNotContain(await t.Queries.ListEscalationsAsync(), e => e.ProjectCode == code);
    }

    [Fact]
    public async Task A_project_that_completes_leaves_no_joint_meeting_running()
    {
        await using var t = await AcceptanceOverdueAsync();
        await t.ApproveAllOpenAsync(AcceptanceCode);
        var view = await t.WaitForAsync(AcceptanceCode, v => v.Phase == ProjectPhase.Completed && v.Escalations.All(e => e.State == EscalationState.Moot), "completion with every escalation moot");
        Assert.All(view.Escalations, e => Assert.Equal(EscalationState.Moot, e.State));
        await AssertNoMeetingRunsAsync(t, AcceptanceCode);
        Assert.DoesNotContain(await t.NotificationsAsync(AcceptanceCode), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }

    [Fact]
    public async Task A_project_that_fails_acceptance_leaves_no_joint_meeting_running()
    {
        await using var t = await AcceptanceOverdueAsync();
        var before = (await t.ProjectAsync(AcceptanceCode)).Escalations.Count;
        await t.DecideAsync(AcceptanceCode, "S4-QUALITY-SUPERVISION", DepartmentDecision.Reject(Dept("HCD"), "q-fail", "structural defects"));
        var view = await t.WaitForAsync(AcceptanceCode, v => v.Phase == ProjectPhase.Closed && v.Escalations.All(e => e.State == EscalationState.Moot), "closure with every escalation moot");
        Assert.Equal(before, view.Escalations.Count);
        Assert.All(view.Escalations, e => Assert.Equal(EscalationState.Moot, e.State));
        // The other items' meetings end because the project closed, with that reason.
        Assert.Contains(view.Escalations, e => e.MootReason!.Contains("Project closed") && !e.ItemCodes.Contains("S4-QUALITY-SUPERVISION"));
        await AssertNoMeetingRunsAsync(t, AcceptanceCode);
        Assert.DoesNotContain(await t.NotificationsAsync(AcceptanceCode), n => n.Kind is "leadership-escalation" or "leadership-overdue");
    }

}
