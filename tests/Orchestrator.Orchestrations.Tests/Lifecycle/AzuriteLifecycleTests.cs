using Microsoft.Extensions.DependencyInjection;
using Moq;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// A whole project end to end with the lifecycle's own tables and the notification drain loop sending through an outside
/// sender (every lifecycle test runs on DTFx over Azurite; this one also checks the outbox is drained). Domain speed 20,000.
/// </summary>
public sealed class AzuriteLifecycleTests
{
    [Fact]
    public async Task A_project_runs_from_filing_to_completion_on_Azure_Storage_with_credit_and_notification_tables()
    {
        var sent = new List<OutboxNotification>();
        var sender = new Mock<INotificationSender>();
        sender.Setup(s => s.SendAsync(It.IsAny<OutboxNotification>(), It.IsAny<CancellationToken>()))
            .Callback<OutboxNotification, CancellationToken>((n, _) => { lock (sent) sent.Add(n); })
            .Returns(Task.CompletedTask);
        await using var t = await StartAsync(Bj("2026-11-02 00:30"),
            settings: new Dictionary<string, string?> { ["Lifecycle:Notifications:DrainInterval"] = "01:00:00" }, // 0.2 s real
            services: s => s.AddSingleton(sender.Object)); // an outside seam: the real sender is SMS / e-mail
        Assert.IsType<TableCreditRegistry>(t.Credit);
        const string code = "2611-620300-89-05-800008";

        await t.FileAsync(Request(code, commitments: ["S1-EIA"], zone: "JINCHANG-EDZ"));
        Assert.Equal(FileProjectOutcome.Existing, (await t.Commands.FileProjectAsync(Request(code))).Outcome);

        // Departments approve whatever is open until construction is permitted.
        await t.ApproveAllOpenAsync(code);
        var view = await t.WaitForAsync(code, v => v.Phase == ProjectPhase.UnderConstruction, "construction to be permitted");
        Assert.Equal("A", view.Enterprise.Grade?.ToString()); // from the seeded EnterpriseCredit table
        Assert.Single(await t.Credit.ListCommitmentsAsync(GoodUscc));

        Assert.Equal(CommandOutcome.Applied, (await t.Commands.ReportConstructionFinishedAsync(code, new ConstructionFinished(Platform, new DateOnly(2026, 11, 1), "cf-az"))).Outcome);
        await t.WaitForAsync(code, v => v.Phase == ProjectPhase.JointAcceptance && Settled(v) && v.Items.Any(i => i.Open), "joint acceptance to start");
        await t.ApproveAllOpenAsync(code);

        view = await t.WaitForAsync(code, v => v.RuntimeStatus == "Completed", "the project to complete");
        Assert.Equal(CommitmentState.Kept, view.Commitments.Single().State);
        Assert.Contains(await t.Credit.ListEventsAsync(GoodUscc), e => e.Event == Orchestrations.Credit.CreditEvent.CommitmentKept && e.ItemCode == "S1-EIA");
        Assert.NotNull(await t.Queries.GetPlanAsync(code));

        // The outbox table was drained through the sender.
        await t.WaitForValueAsync(async () => { lock (sent) if (!sent.Any(n => n.Kind == "completed")) return false; return (await t.Outbox.ListPendingAsync(10)).Count == 0; },
            done => done, "the outbox to be drained through the sender, the completion notice included");
        lock (sent) Assert.Contains(sent, n => n.Kind == "filed" && n.Recipient == $"enterprise:{GoodUscc}");
    }
}
