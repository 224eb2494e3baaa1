using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds).</summary>
public sealed class ProjectCommandTests
{
    private const string Code = "2604-620300-89-05-700007";

    private static async Task<List<OrchestrationMetadata>> InstancesAsync(LifecycleTestHost t, string? prefix = null)
    {
        var list = new List<OrchestrationMetadata>();
        await foreach (var m in t.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }))
            if (!m.InstanceId.StartsWith("ping-", StringComparison.Ordinal)) list.Add(m); // the host's start-up probe
        return list;
    }

    [Fact]
    public async Task Filing_the_same_project_twice_returns_the_existing_project_and_starts_no_second_orchestration()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        var again = await t.Commands.FileProjectAsync(Request(Code));
        Assert.Equal(FileProjectOutcome.Existing, again.Outcome);
        Assert.Equal(InstanceIds.Project(Code), again.InstanceId);
        Assert.Single(await InstancesAsync(t, InstanceIds.ProjectPrefix));
    }

    [Fact]
    public async Task A_filing_with_a_bad_project_code_or_USCC_is_refused_with_errors_naming_the_fields_and_nothing_is_started()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        var r = await t.Commands.FileProjectAsync(Request("2604-62030-89-05-700007", uscc: "91350100M000100Y4Z"));
        Assert.Equal(FileProjectOutcome.Invalid, r.Outcome);
        Assert.Contains(r.Errors, e => e.Field == "projectCode");
        Assert.Contains(r.Errors, e => e.Field == "uscc" && e.Message.Contains("position 18"));
        Assert.Empty(await InstancesAsync(t)); // the command returned without scheduling anything
    }

    [Fact]
    public async Task Decisions_are_checked_for_department_idempotency_key_and_item_state_before_anything_is_recorded()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));

        var foreign = await t.Commands.RecordDecisionAsync("PLN", Code, "S1-WATER-SOIL", DepartmentDecision.Approve(Dept("PLN"), "k1"));
        Assert.Equal(CommandOutcome.NotYourDepartment, foreign.Outcome);
        Assert.Equal(CommandOutcome.NotFound, (await t.Commands.RecordDecisionAsync("WRB", Code, "S9-NONE", DepartmentDecision.Approve(Dept("WRB"), "k1"))).Outcome);
        Assert.Equal(CommandOutcome.NotFound, (await t.Commands.RecordDecisionAsync("WRB", "2604-620300-89-05-999999", "S1-WATER-SOIL", DepartmentDecision.Approve(Dept("WRB"), "k1"))).Outcome);
        Assert.Equal(CommandOutcome.Invalid, (await t.Commands.RecordDecisionAsync("WRB", Code, "S1-WATER-SOIL", new DepartmentDecision(DecisionKind.Reject, Dept("WRB"), "k0"))).Outcome);

        // Special procedure (Art. 45): the clock stops; ending one that is not running is refused.
        Assert.Equal(CommandOutcome.Invalid, (await t.Commands.RecordDecisionAsync("WRB", Code, "S1-WATER-SOIL", DepartmentDecision.EndSpecialProcedure(Dept("WRB"), "k-end"))).Outcome);
        var dueBefore = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Due!.DueDateLocal;
        await t.AdvanceToAsync(Bj("2026-04-15 00:30"));
        Assert.Equal(CommandOutcome.Applied, (await t.DecideAsync(Code, "S1-WATER-SOIL", DepartmentDecision.StartSpecialProcedure(Dept("WRB"), "k-sp", SpecialProcedure.ExpertReview, "expert review of the plan"))).Outcome);
        Assert.Equal(ItemState.SpecialProcedure, (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-WATER-SOIL").State);
        await t.AdvanceToAsync(Bj("2026-04-22 00:30"));
        Assert.Equal(CommandOutcome.Applied, (await t.DecideAsync(Code, "S1-WATER-SOIL", DepartmentDecision.EndSpecialProcedure(Dept("WRB"), "k-sp-end"))).Outcome);
        var dueAfter = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Due!.DueDateLocal;
        Assert.True(dueAfter > dueBefore, $"{dueAfter} should be after {dueBefore}");

        // Extension once (Art. 42).
        Assert.Equal(CommandOutcome.Applied, (await t.DecideAsync(Code, "S1-WATER-SOIL", DepartmentDecision.Extend(Dept("WRB"), "k-x1", 5, "complex site"))).Outcome);
        var second = await t.DecideAsync(Code, "S1-WATER-SOIL", DepartmentDecision.Extend(Dept("WRB"), "k-x2", 5, "again"));
        Assert.Equal(CommandOutcome.Invalid, second.Outcome);
        Assert.Contains("only once", second.Message);

        // Approve, then the same key again is a duplicate, and any new decision finds the item closed (409 with its state).
        var approve = DepartmentDecision.Approve(Dept("WRB"), "k-approve");
        Assert.Equal(CommandOutcome.Applied, (await t.DecideAsync(Code, "S1-WATER-SOIL", approve)).Outcome);
        Assert.Equal(CommandOutcome.Duplicate, (await t.DecideAsync(Code, "S1-WATER-SOIL", approve)).Outcome);
        var closed = await t.DecideAsync(Code, "S1-WATER-SOIL", DepartmentDecision.Reject(Dept("WRB"), "k-late", "changed my mind"));
        Assert.Equal(CommandOutcome.NotOpen, closed.Outcome);
        Assert.Equal(ItemState.Approved, closed.State);

        var item = (await t.ProjectAsync(Code)).Items.Single(i => i.ItemCode == "S1-WATER-SOIL");
        Assert.Equal(["start-special-procedure", "end-special-procedure", "extend", "approve"], item.Decisions.Where(d => d.Kind is not null).Select(d => d.Entry));
        Assert.All(item.Decisions.Where(d => d.Kind is not null), d => Assert.Equal("WRB", d.Actor.DepartmentCode));
    }

    [Fact]
    public async Task Invalid_decisions_raised_directly_on_an_item_bypassing_the_checks_are_recorded_as_ignored_and_change_nothing()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.ApproveAsync(Code, "S1-LIGHTNING");
        // Bypassing IProjectCommands: the round itself ignores what does not fit (no special procedure running, another department).
        var id = InstanceIds.Item(Code, "S1-WATER-SOIL");
        await t.Client.RaiseEventAsync(id, LifecycleEvents.Decision, DepartmentDecision.EndSpecialProcedure(Dept("WRB"), "direct-1"));
        await t.Client.RaiseEventAsync(id, LifecycleEvents.Decision, DepartmentDecision.Approve(Dept("PLN"), "direct-2"));
        var status = await t.WaitForValueAsync(async () => (await t.Client.GetInstanceAsync(id))!.ReadCustomStatusAs<ItemStatus>()!,
            s => s.Ignored.Count >= 2, "both direct decisions to be recorded as ignored");
        Assert.Equal(ItemState.UnderReview, status.State);
        Assert.Equal(2, status.Ignored.Count);
        Assert.Contains(status.Ignored, i => i.Why.Contains("PLN"));
        Assert.DoesNotContain(status.Decisions, d => d.IdempotencyKey is "direct-1" or "direct-2");
    }

    [Fact]
    public async Task Department_lists_and_project_lists_show_open_items_with_deadlines_and_filter_by_light_and_stage()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.FileAsync(Request("2604-620300-89-05-700008"));
        var wrb = await t.Queries.ListDepartmentItemsAsync("WRB");
        Assert.Equal(2, wrb.Count);
        Assert.All(wrb, i => Assert.Equal("S1-WATER-SOIL", i.Item.ItemCode));
        Assert.All(wrb, i => Assert.NotNull(i.Item.Due));

        while ((await t.ProjectAsync(Code)).Items.FirstOrDefault(i => i.Open && i.Stage == 1) is { } open)
            await t.ApproveAsync(Code, open.ItemCode); // stage 1 done: the first project is in stage 2
        await t.AdvanceToAsync(Bj("2026-04-16 00:30"));
        var stage2 = await t.Queries.ListProjectsAsync(new ProjectListQuery { Stage = 2 });
        Assert.Equal([Code], stage2.Items.Select(p => p.ProjectCode));
        await t.ApproveAllOpenAsync(Code);
        await t.AdvanceToAsync(Bj("2026-04-29 00:30")); // the second project's items are overdue
        var red = await t.Queries.ListProjectsAsync(new ProjectListQuery { Overdue = true });
        Assert.Equal(["2604-620300-89-05-700008"], red.Items.Select(p => p.ProjectCode));
        // Every red item escalated by its own timer (the escalations of 04-28 may still be on their way).
        var board = await t.WaitForValueAsync(() => t.Queries.GetSlaBoardAsync(t.Now), b => b.OverdueNotEscalated.Count == 0,
            "every red item to have escalated", Bj("2026-04-29 23:59"));
        Assert.True(board.Red >= 1);
        Assert.Contains(board.Departments, d => d.DepartmentCode == "WRB" && d.Red == 1);
    }

    [Fact]
    public async Task The_daily_sweep_stores_its_report_and_a_safety_net_request_for_an_item_already_escalated_adds_no_second_meeting()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        await t.AdvanceToAsync(Bj("2026-04-29 08:30"));
        var report = await t.Sweep.RunAsync(t.Now);
        Assert.True(report.Red > 0);
        var store = (Orchestrator.Orchestrations.Sla.ISlaReportStore)t.Services.GetService(typeof(Orchestrator.Orchestrations.Sla.ISlaReportStore))!;
        var stored = await store.GetAsync(new DateOnly(2026, 4, 29));
        Assert.NotNull(stored);
        // A second run of the same day (a retried occurrence) sends no reminder twice and replaces the report.
        static bool FromSweep(Orchestrator.Orchestrations.Infrastructure.Notifications.OutboxNotification n) => n.Kind.StartsWith("reminder", StringComparison.Ordinal);
        var reminders = (await t.NotificationsAsync(null)).Count(FromSweep);
        await t.Sweep.RunAsync(Bj("2026-04-29 08:31"));
        Assert.Equal(reminders, (await t.NotificationsAsync(null)).Count(FromSweep));
        // The safety net for an item whose own timer escalated it already: processed by the project, no second meeting.
        var view = await t.WaitForAsync(Code, v => v.Escalations.Any(e => e.ItemCodes.Contains("S1-WATER-SOIL")), "S1-WATER-SOIL to have escalated by its timer");
        var before = view.Escalations.Count;
        await t.Client.RaiseEventAsync(InstanceIds.Project(Code), LifecycleEvents.EscalateOverdue, new EscalateOverdue("S1-WATER-SOIL", "test", "sn-1"));
        await t.WaitForRaisedAsync(InstanceIds.Project(Code), LifecycleEvents.EscalateOverdue, "sn-1", 1);
        view = await t.ProjectAsync(Code);
        Assert.Equal(before, view.Escalations.Count);
        Assert.Single(view.Escalations, e => e.ItemCodes.Contains("S1-WATER-SOIL"));
    }
}
