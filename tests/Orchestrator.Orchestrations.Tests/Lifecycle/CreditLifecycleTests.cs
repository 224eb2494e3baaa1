using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>Domain speed 20,000 (a domain day in 4.3 real seconds).</summary>
public sealed class CreditLifecycleTests
{
    private const string Code = "2604-620300-89-05-400004";

    [Fact]
    public async Task Tolerance_materials_never_supplied_become_a_credit_event_and_materials_supplied_on_time_do_not_cost_credit()
    {
        // S1-LIGHTNING and S1-WATER-SOIL are accepted with materials missing (容缺受理); both have a 10/20-working-day materials deadline.
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        var view = await t.FileAsync(Request(Code, tolerance:
        [
            new ToleranceRequest("S1-LIGHTNING", ["lightning test report"]),
            new ToleranceRequest("S1-WATER-SOIL", ["soil conservation monitoring plan"]),
        ]));
        var lightning = view.Items.Single(i => i.ItemCode == "S1-LIGHTNING");
        Assert.True(lightning.ToleranceAccepted);
        Assert.Equal(new DateOnly(2026, 4, 27), lightning.MaterialsDue!.DueDateLocal); // 10 working days
        Assert.Equal(["lightning test report"], lightning.MissingMaterials);

        var supplied = await t.Commands.SubmitMaterialsAsync(Code, "S1-WATER-SOIL", new MaterialsSupplied(Platform, ["soil conservation monitoring plan"], "mat-1"));
        Assert.Equal(CommandOutcome.Applied, supplied.Outcome);
        await t.WaitForAsync(Code, v => v.CreditEvents.Any(e => e.Event == CreditEvent.ToleranceMaterialsSupplied && e.ItemCode == "S1-WATER-SOIL"), "the materials of S1-WATER-SOIL to be recorded");
        await t.AdvanceToAsync(t.Now.AddDays(1));
        await t.ApproveAllOpenAsync(Code); // the decision does not wait for the materials

        await t.AdvanceToAsync(Bj("2026-04-28 00:00"));
        view = await t.WaitForAsync(Code, v => v.CreditEvents.Any(e => e.Event == CreditEvent.ToleranceMaterialsNotSupplied), "the missing materials to become a credit event", Bj("2026-04-28 23:59"));
        var ev = Assert.Single(view.CreditEvents, e => e.Event == CreditEvent.ToleranceMaterialsNotSupplied);
        Assert.Equal("S1-LIGHTNING", ev.ItemCode);
        Assert.Contains(view.CreditEvents, e => e.Event == CreditEvent.ToleranceMaterialsSupplied && e.ItemCode == "S1-WATER-SOIL");
        var events = await t.Credit.ListEventsAsync(GoodUscc);
        Assert.Equal(-5, events.Single(e => e.Event == CreditEvent.ToleranceMaterialsNotSupplied).Delta);
        Assert.Equal(100, (await t.Credit.FindAsync(GoodUscc))!.Score); // 105 - 5
        view = await t.WaitForAsync(Code, v => v.Items.Single(i => i.ItemCode == "S1-LIGHTNING").Decisions.Any(d => d.Entry == "materials-overdue"), "materials-overdue in the item's record");

        // The supervision has ended: late materials are refused.
        var round = view.Items.Single(i => i.ItemCode == "S1-LIGHTNING").InstanceId;
        await t.WaitForValueAsync(() => t.Client.GetInstanceAsync(round), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "the S1-LIGHTNING round to end");
        var late = await t.Commands.SubmitMaterialsAsync(Code, "S1-LIGHTNING", new MaterialsSupplied(Platform, ["lightning test report"], "mat-2"));
        Assert.Equal(CommandOutcome.NotOpen, late.Outcome);
    }

    [Fact]
    public async Task An_enterprise_with_grade_C_cannot_use_commitment_and_its_chosen_items_follow_the_normal_procedure()
    {
        await using var t = await StartAsync(Bj("2026-04-13 00:30"));
        var view = await t.FileAsync(Request(Code, uscc: GradeCUscc, commitments: ["S1-EIA"]));
        var eia = view.Items.Single(i => i.ItemCode == "S1-EIA");
        Assert.Equal(ItemState.UnderReview, eia.State);
        Assert.Contains("grade", eia.ModeReason);
        Assert.Empty(view.Commitments);
    }
}

/// <summary>Domain speed 20,000; the registry is a mock (an outside seam).</summary>
public sealed class CreditRegistrySeamTests
{
    private const string Code = "2604-620300-89-05-400005";

    [Fact]
    public async Task An_enterprise_the_registry_reports_with_a_dishonesty_record_gets_no_commitment_even_with_grade_A()
    {
        var registry = new Moq.Mock<Orchestrator.Orchestrations.Infrastructure.Credit.ICreditRegistry>();
        registry.Setup(r => r.FindAsync(GoodUscc, Moq.It.IsAny<CancellationToken>()))
            .ReturnsAsync(new EnterpriseCredit(GoodUscc, CreditGrade.A, HasDishonestyRecord: true, HasPriorFalseCommitment: false, Score: 110));
        registry.Setup(r => r.RecordFilingAsync(Moq.It.IsAny<RecordFilingInput>(), Moq.It.IsAny<CancellationToken>()))
            .ReturnsAsync((RecordFilingInput f, CancellationToken _) => new Orchestrator.Orchestrations.Infrastructure.Credit.CreditFiling(f.Uscc, f.ProjectCode, f.ProjectName, f.FiledAt, 110));
        await using var t = await StartAsync(Bj("2026-04-13 00:30"), services: s => s.AddSingleton(registry.Object));
        var view = await t.FileAsync(Request(Code, commitments: ["S1-EIA"]));
        Assert.True(view.Enterprise.HasDishonestyRecord);
        Assert.Equal(ItemState.UnderReview, view.Items.Single(i => i.ItemCode == "S1-EIA").State);
        Assert.Contains("dishonesty", view.Items.Single(i => i.ItemCode == "S1-EIA").ModeReason);
        // The filing is processed (InApproval comes after the filing's activities): no commitment was published on the way.
        registry.Verify(r => r.PublishCommitmentsAsync(Moq.It.IsAny<PublishCommitmentsInput>(), Moq.It.IsAny<CancellationToken>()), Moq.Times.Never);
    }

    [Fact]
    public async Task When_the_credit_registry_stays_unreachable_the_filing_is_retried_on_durable_timers_then_closed_with_the_reason()
    {
        var registry = new Moq.Mock<Orchestrator.Orchestrations.Infrastructure.Credit.ICreditRegistry>();
        registry.Setup(r => r.FindAsync(Moq.It.IsAny<string>(), Moq.It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("credit platform unreachable"));
        await using var t = await StartAsync(Bj("2026-04-13 00:30"), services: s => s.AddSingleton(registry.Object));
        Assert.Equal(FileProjectOutcome.Created, (await t.Commands.FileProjectAsync(Request(Code))).Outcome);
        // Retries back off on durable timers in real time (5 s, 10 s, 20 s, 40 s: the retry policy is the engine's, not the domain's).
        var view = await t.WaitForAsync(Code, v => v.Phase == ProjectPhase.Closed, "the filing to close after the credit registry's retries", realTimeout: TimeSpan.FromSeconds(180));
        Assert.Contains("credit platform unreachable", view.ClosedReason);
        registry.Verify(r => r.FindAsync(GoodUscc, Moq.It.IsAny<CancellationToken>()), Moq.Times.Exactly(5));
    }
}
