using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;
using Orchestrator.Durable;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Tests.Shared;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>A whole project end to end through the engine on Azure Storage (a private Azurite), with the lifecycle's own tables.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteLifecycleTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task A_project_runs_from_filing_to_completion_on_Azure_Storage_with_credit_and_notification_tables()
    {
        var hub = AzuriteFixture.NewHubName("lc");
        var sent = new List<OutboxNotification>();
        var sender = new Mock<INotificationSender>();
        sender.Setup(s => s.SendAsync(It.IsAny<OutboxNotification>(), It.IsAny<CancellationToken>()))
            .Callback<OutboxNotification, CancellationToken>((n, _) => { lock (sent) sent.Add(n); })
            .Returns(Task.CompletedTask);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Durable:Backend"] = "AzureStorage",
            ["Durable:AzureStorage:ConnectionString"] = fixture.ConnectionString,
            ["Durable:AzureStorage:TaskHubName"] = hub,
            ["Lifecycle:Tables:EnterpriseCredit"] = hub + "Credit",
            ["Lifecycle:Tables:Notifications"] = hub + "Notifications",
            ["Lifecycle:Tables:SlaReports"] = hub + "SlaReports",
            ["Lifecycle:Notifications:DrainInterval"] = "00:00:00.200",
        });
        builder.Services.AddDurableTask(_ => { });
        builder.Services.AddDurableTaskAzureStorage();
        builder.Services.Configure<DurableTaskOptions>(builder.Configuration.GetSection("Durable"));
        builder.Services.Configure<DurableTaskOptions>(o =>
        {
            o.Worker.PollingInterval = TimeSpan.FromMilliseconds(20);
            o.Worker.MaxPollingInterval = TimeSpan.FromMilliseconds(200);
            o.Worker.SweepInterval = TimeSpan.FromSeconds(1);
        });
        builder.Services.AddSingleton(sender.Object); // an outside seam: the real sender is SMS / e-mail
        builder.Services.AddApprovalLifecycle(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var commands = host.Services.GetRequiredService<IProjectCommands>();
            var queries = host.Services.GetRequiredService<IProjectQueries>();
            var credit = host.Services.GetRequiredService<ICreditRegistry>();
            Assert.IsType<TableCreditRegistry>(credit);
            const string code = "2611-620300-89-05-800008";

            var filed = await commands.FileProjectAsync(Request(code, commitments: ["S1-EIA"], zone: "JINCHANG-EDZ"));
            Assert.Equal(FileProjectOutcome.Created, filed.Outcome);
            Assert.Equal(FileProjectOutcome.Existing, (await commands.FileProjectAsync(Request(code))).Outcome);

            // Departments approve whatever is open until construction is permitted.
            await ApproveUntilAsync(commands, queries, code, v => v.Phase == ProjectPhase.UnderConstruction);
            var view = (await queries.GetProjectAsync(code))!;
            Assert.Equal("A", view.Enterprise.Grade?.ToString()); // from the seeded EnterpriseCredit table
            Assert.Single(await credit.ListCommitmentsAsync(GoodUscc));

            Assert.Equal(CommandOutcome.Applied, (await commands.ReportConstructionFinishedAsync(code, new ConstructionFinished(Platform, new DateOnly(2026, 11, 20), "cf-az"))).Outcome);
            await ApproveUntilAsync(commands, queries, code, v => v.Phase == ProjectPhase.Completed);

            view = (await queries.GetProjectAsync(code))!;
            Assert.Equal("Completed", view.RuntimeStatus);
            Assert.Equal(CommitmentState.Kept, view.Commitments.Single().State);
            Assert.Contains(await credit.ListEventsAsync(GoodUscc), e => e.Event == Orchestrations.Credit.CreditEvent.CommitmentKept && e.ItemCode == "S1-EIA");
            Assert.NotNull(await queries.GetPlanAsync(code));

            // The outbox table was drained through the sender.
            var outbox = host.Services.GetRequiredService<INotificationOutbox>();
            await WaitUntilAsync(async () => { lock (sent) if (!sent.Any(n => n.Kind == "completed")) return false; return (await outbox.ListPendingAsync(10)).Count == 0; });
            Assert.Contains(sent, n => n.Kind == "filed" && n.Recipient == $"enterprise:{GoodUscc}");
        }
        finally
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        }
    }

    private static async Task ApproveUntilAsync(IProjectCommands commands, IProjectQueries queries, string code, Func<ProjectView, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        var approved = new HashSet<string>();
        while (DateTime.UtcNow < deadline)
        {
            var view = await queries.GetProjectAsync(code);
            if (view is not null && done(view)) return;
            foreach (var item in view?.Items.Where(i => i.Open) ?? [])
            {
                if (!approved.Add(item.InstanceId)) continue;
                var r = await commands.RecordDecisionAsync(item.DepartmentCode, code, item.ItemCode, DepartmentDecision.Approve(Dept(item.DepartmentCode), "az-" + item.InstanceId));
                Assert.True(r.Outcome is CommandOutcome.Applied or CommandOutcome.Duplicate, $"{item.ItemCode}: {r.Outcome} {r.Message}");
            }
            await Task.Delay(200);
        }
        var last = await queries.GetProjectAsync(code);
        Assert.Fail($"Timed out; phase {last?.Phase}, open: {string.Join(", ", last?.Items.Where(i => i.Open).Select(i => i.ItemCode) ?? [])}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Condition not met in 30 s");
            await Task.Delay(200);
        }
    }
}
