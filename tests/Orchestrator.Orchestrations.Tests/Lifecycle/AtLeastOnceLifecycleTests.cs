using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Lifecycle.Activities;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// DTFx delivers events and runs activities at least once: the same event twice is applied once, and an activity run
/// twice with the same input writes one record. Domain speed 20,000.
/// </summary>
public sealed class AtLeastOnceLifecycleTests
{
    private const string Code = "2604-620300-89-05-800011";

    [Fact]
    public async Task The_same_department_decision_delivered_twice_through_the_engine_is_recorded_once_and_the_duplicate_ignored()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        await t.FileAsync(Request(Code));
        var id = InstanceIds.Item(Code, "S1-WATER-SOIL");
        var extend = DepartmentDecision.Extend(Dept("WRB"), "dup-extend", 5, "complex site");
        await t.Client.RaiseEventAsync(id, LifecycleEvents.Decision, extend);
        await t.Client.RaiseEventAsync(id, LifecycleEvents.Decision, extend);
        var status = await t.WaitForValueAsync(async () => (await t.Client.GetInstanceAsync(id))!.ReadCustomStatusAs<ItemStatus>()!,
            s => s.Ignored.Any(i => i.IdempotencyKey == "dup-extend"), "the second delivery to be ignored");
        Assert.Single(status.Decisions, d => d.IdempotencyKey == "dup-extend");
        var ignored = Assert.Single(status.Ignored, i => i.IdempotencyKey == "dup-extend");
        Assert.Contains("duplicate", ignored.Why);
        var view = await t.WaitForAsync(Code, v => v.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Decisions.Any(d => d.IdempotencyKey == "dup-extend"), "the project to show the extension");
        Assert.Single(view.Items.Single(i => i.ItemCode == "S1-WATER-SOIL").Decisions, d => d.Entry == "extend");
    }

    [Fact]
    public async Task The_same_land_rights_report_delivered_twice_converts_each_simulated_opinion_once()
    {
        await using var t = await StartAsync(Bj("2026-06-01 00:30"));
        await t.FileAsync(Request(Code, landRights: false, simulated: SimulatedApprovalLifecycleTests.EntryMet));
        await t.ApproveAllOpenAsync(Code); // until nothing is open: the simulated items hold simulated opinions
        var view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.AwaitingLandRights, "the project to await land rights");
        var simulated = view.Items.Where(i => i.State == ItemState.SimulatedOpinion).Select(i => i.ItemCode).ToList();
        Assert.NotEmpty(simulated);

        var land = new LandRightsObtained(Platform, new DateOnly(2026, 6, 8), "JY-2026-099", "land-twice");
        await t.Client.RaiseEventAsync(InstanceIds.Project(Code), LifecycleEvents.LandRightsObtained, land);
        await t.Client.RaiseEventAsync(InstanceIds.Project(Code), LifecycleEvents.LandRightsObtained, land);
        await t.WaitForRaisedAsync(InstanceIds.Project(Code), LifecycleEvents.LandRightsObtained, "land-twice", 2);
        view = await t.WaitForAsync(Code, v => simulated.All(c => v.Items.Single(i => i.ItemCode == c).State == ItemState.Converting), "the simulated opinions to convert");
        Assert.Single(view.Timeline, e => e.Kind == "land-rights");
        Assert.DoesNotContain(view.Timeline, e => e.Kind == "land-rights-ignored"); // the second delivery was recognised by its id
        foreach (var c in simulated)
        {
            var round = view.Items.Single(i => i.ItemCode == c);
            Assert.Equal(1, round.Round);
            var status = (await t.Client.GetInstanceAsync(round.InstanceId))!.ReadCustomStatusAs<ItemStatus>()!;
            Assert.DoesNotContain(status.Ignored, i => i.EventName == LifecycleEvents.StartConversion); // the project told each round once
        }
    }

    [Fact]
    public async Task Activities_run_twice_with_the_same_input_write_one_record_each()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"), settings: new Dictionary<string, string?> { ["Lifecycle:Notifications:DrainEnabled"] = "false" });
        var sp = t.Services;
        var registry = sp.GetRequiredService<ICreditRegistry>();
        Assert.IsType<TableCreditRegistry>(registry);
        var context = new Mock<TaskActivityContext>();
        context.SetupGet(c => c.InstanceId).Returns(InstanceIds.Project(Code));
        context.SetupGet(c => c.Name).Returns(new TaskName("test"));
        var now = t.Now;

        var notify = new Notify(sp.GetRequiredService<INotificationOutbox>(), sp.GetRequiredService<TimeProvider>());
        List<NotificationRequest> notes = [new($"{Code}:twice", Code, "enterprise:" + GoodUscc, "test", "subject", "body")];
        var filing = new RecordFilingInput(Code, "twice", GoodUscc, "示例标准厂房建设有限公司", now, "v1");
        var commitments = new PublishCommitmentsInput(Code, GoodUscc, [new CommitmentRecord("S1-EIA", "EEB", "committed", now, CommitmentState.Published, null, null)]);
        var creditEvent = new CreditEventInput($"{Code}:S1-LIGHTNING:twice", GoodUscc, Code, "S1-LIGHTNING", CreditEvent.ToleranceMaterialsNotSupplied, now, "twice");
        var scoreBefore = (await registry.FindAsync(GoodUscc))!.Score;
        for (var run = 0; run < 2; run++)
        {
            Assert.True(await notify.RunAsync(context.Object, notes));
            await new RecordFiling(registry).RunAsync(context.Object, filing);
            Assert.True(await new PublishCommitments(registry).RunAsync(context.Object, commitments));
            await new RecordCreditEvent(registry).RunAsync(context.Object, creditEvent);
        }

        Assert.Single(await t.Outbox.ListAsync(Code), n => n.Id == notes[0].Key); // every row, both partitions
        Assert.Single(await registry.ListCommitmentsAsync(GoodUscc), c => c.ProjectCode == Code);
        Assert.Single(await registry.ListEventsAsync(GoodUscc), e => e.Key == creditEvent.Key);
        Assert.Equal(scoreBefore - 5, (await registry.FindAsync(GoodUscc))!.Score); // the score moved once
        var table = await t.TableAsync(sp.GetRequiredService<IOptions<LifecycleOptions>>().Value.Tables.EnterpriseCredit);
        var filingKey = LifecycleTables.Key($"filing-{Code}");
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.RowKey == filingKey)) rows.Add(e);
        Assert.Single(rows);
    }
}
