using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds). Commands are given early in the local day, so the engine's latency (real seconds, domain hours) stays within that day.</summary>
public sealed class EscalationLifecycleTests
{
    private const string Code = "2604-620300-89-05-100001";

    [Fact]
    public async Task An_item_left_undecided_turns_yellow_then_red_escalates_to_a_joint_meeting_whose_follow_up_deadline_the_late_decision_meets()
    {
        // Filed Monday 2026-04-13; S1-WATER-SOIL has a promised limit of 10 working days: due Monday 2026-04-27.
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.ApproveAllOpenAsync(Code, "S1-WATER-SOIL");
        var item = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Equal(new DateOnly(2026, 4, 27), item.Due!.DueDateLocal);
        Assert.False(item.Due.Provisional);

        // Friday 2026-04-24: two working days left (24th, 27th) → yellow, the department is warned once.
        await t.AdvanceToAsync(Bj("2026-04-24 09:00"));
        item = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Equal(SlaLight.Yellow, item.Light);
        var warnings = await t.WaitForValueAsync(() => t.NotificationsAsync(Code), l => l.Any(n => n.Kind == "sla-warning"), "the SLA warning to WRB", Bj("2026-04-27 23:59"));
        Assert.Single(warnings, n => n.Kind == "sla-warning" && n.Recipient == "department:WRB");

        // Tuesday 2026-04-28: overdue → red, escalated to joint meeting 1, to convene within 3 working days.
        await t.AdvanceToAsync(Bj("2026-04-28 00:00"));
        var view = await t.WaitForAsync(Code, v => v.Escalations.Count > 0 && Settled(v), "the overdue item to escalate to a joint meeting", Bj("2026-04-28 23:59"));
        item = view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Equal(SlaLight.Red, item.Light);
        var escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationCause.DecisionOverdue, escalation.Cause);
        Assert.Equal(EscalationLevel.JointMeeting, escalation.Level);
        Assert.Equal(InstanceIds.JointMeeting(Code, 1), escalation.MeetingInstanceId);
        await t.WaitForValueAsync(() => t.Queries.ListEscalationsAsync(), l => l.Any(e => e.MeetingInstanceId == escalation.MeetingInstanceId && e.State == EscalationState.Open),
            "the open meeting in the escalation list");
        await t.WaitForValueAsync(() => t.NotificationsAsync(Code), l => l.Any(n => n.Kind == "joint-meeting-convene" && n.Recipient == "agency-centre"), "the agency centre told to convene");

        // The meeting convenes on Wednesday 2026-04-29 (before the 5-day May holiday) and gives WRB 2 working days: 04-30, then the May holiday (05-01..05-05), then 05-06.
        await t.AdvanceToAsync(Bj("2026-04-29 00:30"));
        var resolved = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("agency-centre", "ops"), t.Now,
            ["WRB", "agency centre"], "WRB to decide after the site visit", [new FollowUpAssignment("S1-WATER-SOIL", 2, "decide after the site visit")], "jm-1"));
        Assert.Equal(CommandOutcome.Applied, resolved.Outcome);
        view = await t.WaitForAsync(Code, v => v.Escalations.Single().State == EscalationState.Resolved
                                               && v.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Decisions.Any(d => d.Entry == "follow-up-deadline"),
            "the resolution and the follow-up deadline", Bj("2026-04-29 23:59"));
        item = view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Equal(new DateOnly(2026, 5, 6), item.Due!.DueDateLocal);

        // The decision comes on 2026-05-06: late against the legal promise, on time against the follow-up deadline.
        await t.AdvanceToAsync(Bj("2026-05-06 00:30"));
        await t.ApproveAsync(Code, "S1-WATER-SOIL");
        view = await t.ProjectAsync(Code);
        item = view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Equal(ItemState.Approved, item.State);
        var approval = item.Decisions.Single(d => d.Kind == DecisionKind.Approve);
        Assert.Equal(0, approval.WorkingDaysLate); // the follow-up deadline is the one in force
        Assert.Single(view.Escalations);
        Assert.Contains(view.Items, i => i.ItemCode.StartsWith("S2-") && i.Open); // the project moved on
    }

    [Fact]
    public async Task A_late_decision_without_a_meeting_still_counts_and_records_how_many_working_days_late()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.ApproveAllOpenAsync(Code, "S1-LIGHTNING"); // 5 working days: due 2026-04-20
        await t.AdvanceToAsync(Bj("2026-04-23 00:30"));   // 21, 22, 23: 3 working days late
        await t.ApproveAsync(Code, "S1-LIGHTNING");
        var item = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-LIGHTNING");
        Assert.Equal(ItemState.Approved, item.State);
        Assert.Equal(3, item.WorkingDaysLate);
        Assert.Equal(3, item.Decisions.Single(d => d.Kind == DecisionKind.Approve).WorkingDaysLate);
    }

    [Fact]
    public async Task A_joint_meeting_not_convened_within_its_limit_escalates_to_the_leadership()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.ApproveAllOpenAsync(Code, "S1-LIGHTNING"); // due 2026-04-20
        await t.AdvanceToAsync(Bj("2026-04-21 00:00"));   // overdue: meeting to convene by 2026-04-24
        var escalation = Assert.Single((await t.WaitForAsync(Code, v => v.Escalations.Count > 0, "the overdue item to escalate", Bj("2026-04-21 23:59"))).Escalations);
        Assert.Equal(new DateOnly(2026, 4, 24), Orchestrator.Orchestrations.Calendar.ChinaTime.LocalDate(escalation.ConveneBy));

        // Nobody convened it by the end of 04-24: the leadership (疑难会商).
        await t.AdvanceToAsync(Bj("2026-04-25 00:00"));
        var view = await t.WaitForAsync(Code, v => v.Escalations.Single().Level == EscalationLevel.Leadership, "the escalation to reach the leadership", Bj("2026-04-27 09:00"));
        escalation = Assert.Single(view.Escalations);
        Assert.Equal(EscalationLevel.Leadership, escalation.Level);
        Assert.Equal(EscalationState.Open, escalation.State);
        Assert.Contains(view.Timeline, e => e.Kind == "escalated-leadership");
        await t.WaitForValueAsync(() => t.NotificationsAsync(Code), l => l.Any(n => n.Kind == "leadership-escalation" && n.Recipient == "leadership"), "the leadership told");
        Assert.Contains(await t.Queries.ListEscalationsAsync(), e => e.Level == EscalationLevel.Leadership);

        // The leadership (疑难会商) resolves it; the item gets a follow-up deadline and is decided.
        var r = await t.Commands.RecordJointMeetingResolutionAsync(Code, 1, new JointMeetingResolution(new Actor("vice-mayor-office", "ops"), t.Now,
            ["vice mayor", "MET"], "MET to issue the review within 1 working day", [new FollowUpAssignment("S1-LIGHTNING", 1, "issue the review")], "lead-1"));
        Assert.Equal(CommandOutcome.Applied, r.Outcome);
        await t.WaitForAsync(Code, v => v.Escalations.Single().State == EscalationState.Resolved, "the leadership's resolution");
        await t.ApproveAsync(Code, "S1-LIGHTNING");
        view = await t.ProjectAsync(Code);
        Assert.Equal(EscalationState.Resolved, view.Escalations.Single().State);
        Assert.Equal(EscalationLevel.Leadership, view.Escalations.Single().Level);
        Assert.Equal(ItemState.Approved, view.Items.Single(i => i.ItemCode == "S1-LIGHTNING").State);
    }
}
