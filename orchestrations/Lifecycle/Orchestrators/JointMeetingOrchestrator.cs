using Microsoft.DurableTask;
using Orchestrator.Orchestrations.Calendar;

namespace Orchestrator.Orchestrations.Lifecycle.Orchestrators;

/// <summary>
/// A joint meeting (联席会议), instance <c>meeting-{code}-{n}</c>, started by the project when an item is
/// overdue. The agency centre must convene it within <see cref="LifecycleOptions.JointMeetingConveneLimitDays"/>
/// working days and record the resolution (event <see cref="LifecycleEvents.JointMeetingResolution"/>); if it does not,
/// the case goes to the government leadership (疑难会商), which has <see cref="LifecycleOptions.LeadershipLimitDays"/>.
/// The resolution assigns follow-up deadlines (working days from the resolution) that the project hands to the items.
/// The output and custom status are a <see cref="JointMeetingStatus"/>; each change is also sent to the project.
/// While open, the project can end it as <see cref="EscalationState.Moot"/> (event <see cref="LifecycleEvents.JointMeetingMoot"/>:
/// the item was decided or superseded, or the project ended): the convene/leadership timer is cancelled, the parties are told
/// the meeting is no longer needed, and nothing escalates afterwards. Once resolved, a moot event changes nothing.
/// </summary>
public sealed class JointMeetingOrchestrator : TaskOrchestrator<JointMeetingInput, JointMeetingStatus>
{
    public override async Task<JointMeetingStatus> RunAsync(TaskOrchestrationContext ctx, JointMeetingInput input)
    {
        var o = input.Rules;
        var calendar = new WorkingCalendar(o.Calendar);
        var now = Now(ctx, input);
        var status = new JointMeetingStatus(ctx.InstanceId, input.ProjectCode, input.Sequence, input.Cause, input.ItemCodes, input.Departments,
            input.Summary, EscalationLevel.JointMeeting, EscalationState.Open, now, calendar.AddWorkingDays(now, o.JointMeetingConveneLimitDays).Value,
            null, null, null, []);
        Publish(ctx, input, status);
        await Notify(ctx, input, "agency-centre", "joint-meeting-convene",
            $"Convene the joint meeting by {Day(status.ConveneBy)}: {input.Summary}");

        var resolution = ctx.WaitForExternalEvent<JointMeetingResolution>(LifecycleEvents.JointMeetingResolution);
        var moot = ctx.WaitForExternalEvent<JointMeetingMoot>(LifecycleEvents.JointMeetingMoot);
        var leadershipOverdueNotified = false;
        while (true)
        {
            DateTimeOffset? deadline = status.Level == EscalationLevel.JointMeeting ? status.ConveneBy
                : leadershipOverdueNotified ? null : status.LeadershipResolveBy;
            using var cts = new CancellationTokenSource();
            var timer = deadline is { } d ? ctx.CreateTimer(input.Clock.ToReal(d.AddTicks(1)), cts.Token) : null;
            var winner = timer is null ? await Task.WhenAny(resolution, moot) : await Task.WhenAny(resolution, moot, timer);
            if (winner == resolution) { cts.Cancel(); break; }
            if (winner == moot)
            {
                // The reason for the meeting is gone: end without a resolution; no leadership escalation follows.
                cts.Cancel();
                var m = moot.Result;
                status = status with { State = EscalationState.Moot, MootAt = Now(ctx, input), MootReason = m.Reason };
                ctx.SetCustomStatus(status);
                await Notify(ctx, input, "agency-centre", "joint-meeting-moot", $"The joint meeting is no longer needed (moot): {m.Reason}");
                return status;
            }
            now = Now(ctx, input);
            if (deadline is { } due && now <= due) continue; // a timer delivered early changes nothing: wait again
            if (status.Level == EscalationLevel.JointMeeting)
            {
                // The joint meeting missed its limit: 疑难会商 by the government leadership.
                status = status with
                {
                    Level = EscalationLevel.Leadership, EscalatedToLeadershipAt = now,
                    LeadershipResolveBy = calendar.AddWorkingDays(now, o.LeadershipLimitDays).Value,
                };
                Publish(ctx, input, status);
                await Notify(ctx, input, "leadership", "leadership-escalation",
                    $"The joint meeting was not convened by {Day(status.ConveneBy)}; resolve by {Day(status.LeadershipResolveBy!.Value)}: {input.Summary}");
            }
            else
            {
                leadershipOverdueNotified = true;
                await Notify(ctx, input, "leadership", "leadership-overdue",
                    $"Still unresolved after the leadership limit ({Day(status.LeadershipResolveBy!.Value)}): {input.Summary}");
            }
        }

        now = Now(ctx, input);
        var r = resolution.Result;
        var followUps = new List<FollowUpDeadlineAssigned>();
        foreach (var item in input.ItemCodes)
        {
            var a = r.FollowUps.FirstOrDefault(f => f.ItemCode == item);
            var days = a is { WorkingDays: > 0 } ? a.WorkingDays : o.DefaultFollowUpDays;
            followUps.Add(new FollowUpDeadlineAssigned(item, calendar.AddWorkingDays(now, days).Value, a?.Instruction ?? r.Resolution));
        }
        foreach (var a in r.FollowUps.Where(f => !input.ItemCodes.Contains(f.ItemCode)))
            followUps.Add(new FollowUpDeadlineAssigned(a.ItemCode, calendar.AddWorkingDays(now, a.WorkingDays > 0 ? a.WorkingDays : o.DefaultFollowUpDays).Value, a.Instruction));
        status = status with { State = EscalationState.Resolved, Resolution = r, FollowUps = followUps };
        ctx.SetCustomStatus(status);
        await Notify(ctx, input, "agency-centre", "joint-meeting-resolved", $"Resolution recorded: {r.Resolution}");
        return status;
    }

    private static void Publish(TaskOrchestrationContext ctx, JointMeetingInput input, JointMeetingStatus status)
    {
        ctx.SetCustomStatus(status);
        if (input.ParentInstanceId is { } parent) ctx.SendEvent(parent, LifecycleEvents.EscalationProgress, status);
    }

    private static Task Notify(TaskOrchestrationContext ctx, JointMeetingInput input, string recipient, string kind, string body)
    {
        var list = new List<NotificationRequest> { new($"{ctx.InstanceId}:{ctx.NewGuid():N}", input.ProjectCode, recipient, kind, $"[{input.ProjectCode}] {kind}", body) };
        foreach (var dept in input.Departments)
            list.Add(new($"{ctx.InstanceId}:{ctx.NewGuid():N}", input.ProjectCode, $"department:{dept}", kind, $"[{input.ProjectCode}] {kind}", body));
        return ctx.CallActivityAsync(LifecycleActivities.Notify, list);
    }

    private static DateTimeOffset Now(TaskOrchestrationContext ctx, JointMeetingInput input) => input.Clock.ToDomain(ctx.CurrentUtcDateTime);
    private static string Day(DateTimeOffset t) => ChinaTime.LocalDate(t).ToString("yyyy-MM-dd");
}
