using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Bench;

/// <summary>
/// Storage requests one project costs (issue 10): the Jinchang plan (zone JINCHANG-EDZ, commitment S1-EIA, land rights
/// held) from filing to completion on a sped-up domain clock, every department approving at once, counted by kind on
/// three counters: the engine (DTFx), the read model, the lifecycle's other tables (credit, notifications).
/// </summary>
internal static class ProjectCostBench
{
    public static async Task RunAsync(BenchOptions o, string connection)
    {
        var hub = o.Hub ?? "cost" + Guid.NewGuid().ToString("N")[..8];
        var counters = new LifecycleBenchHost.Counters(new(), new(), new());
        var start = new DateTimeOffset(2026, 3, 1, 16, 30, 0, TimeSpan.Zero); // 2026-03-02 00:30 Beijing, a Monday
        var time = new DomainTimeProvider(TimeProvider.System, 100, start, TimeSpan.FromMilliseconds(50));
        var host = await LifecycleBenchHost.StartAsync(connection, hub, o, counters, time);
        try
        {
            var commands = host.Services.GetRequiredService<IProjectCommands>();
            // The bench's own polling of the project read goes through uncounted tables: only what the lifecycle costs is counted.
            var sp = host.Services;
            var queries = new Orchestrator.Orchestrations.Lifecycle.Services.ProjectQueries(
                new Orchestrator.Orchestrations.ReadModel.ReadModelTables(new Orchestrator.Orchestrations.Infrastructure.LifecycleTables(connection),
                    sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LifecycleOptions>>()),
                sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(), sp.GetRequiredService<ItemClockCalculator>(),
                sp.GetRequiredService<Orchestrator.Orchestrations.Catalog.ApprovalCatalog>(), time);
            const string code = "2603-141124-89-05-346948";
            var actor = new Actor("bench", "platform");
            await Task.Delay(2000); // the hub and leases settle before counting
            foreach (var c in new[] { counters.Engine, counters.ReadModel, counters.OtherTables }) c.Reset();
            var sw = Stopwatch.StartNew();
            var filed = await commands.FileProjectAsync(new FileProjectRequest(code, "标准化厂房二期 (standardised factory phase II)", "91350100M000100Y43", "示例标准厂房建设有限公司",
                InvestmentNature.EnterpriseFiling, 5000m, ProjectLevel.None, null, "JINCHANG-EDZ", [], true, null, ["S1-EIA"], [], actor));
            if (filed.Outcome != FileProjectOutcome.Created) throw new InvalidOperationException($"filing: {filed.Outcome}");
            var decisions = 0;
            var finishedReported = false;
            while (true)
            {
                var v = await SettledAsync(queries, code);
                if (v.Phase is ProjectPhase.Completed or ProjectPhase.Closed) break;
                var open = v.Items.Where(i => i.Open).ToList();
                if (open.Count == 0 && v.Phase == ProjectPhase.UnderConstruction && !finishedReported)
                {
                    var r = await commands.ReportConstructionFinishedAsync(code, new ConstructionFinished(actor, ChinaTime.LocalDate(time.GetUtcNow()), "cf-1"));
                    finishedReported = r.Outcome == CommandOutcome.Applied;
                }
                var keys = new List<(string Instance, string Key)>();
                foreach (var i in open)
                {
                    var key = $"cost-{++decisions}";
                    var r = await commands.RecordDecisionAsync(i.DepartmentCode, code, i.ItemCode, DepartmentDecision.Approve(new Actor("bench", "department", i.DepartmentCode), key));
                    if (r.Outcome == CommandOutcome.Applied) keys.Add((r.InstanceId!, key));
                }
                // Wait for the project read to show them (the way a client would), then go on.
                while (keys.Count > 0)
                {
                    var w = await queries.GetProjectAsync(code);
                    if (keys.All(k => w!.Items.Any(i => i.InstanceId == k.Instance && i.Decisions.Any(d => d.IdempotencyKey == k.Key)))) break;
                    await Task.Delay(200);
                }
                if (sw.Elapsed > TimeSpan.FromMinutes(15)) throw new TimeoutException("the project did not complete in 15 minutes");
            }
            var view = await queries.GetProjectAsync(code);
            Console.WriteLine($"project-cost: {code} {view!.Phase} in {sw.Elapsed.TotalSeconds:F0} s real, {decisions} decisions, {view.Items.Count} item rounds, {view.Timeline.Count} timeline entries");
            foreach (var (name, c) in new[] { ("engine", counters.Engine), ("read-model", counters.ReadModel), ("other-tables", counters.OtherTables) })
            {
                Console.WriteLine($"requests-{name}: {c.Total}");
                foreach (var (kind, n) in c.Snapshot()) Console.WriteLine($"  {name} {kind}: {n}");
            }
            Console.WriteLine($"requests-total: {counters.Engine.Total + counters.ReadModel.Total + counters.OtherTables.Total}");
        }
        finally { await BenchHost.StopAsync(host); }
    }

    private static async Task<ProjectView> SettledAsync(IProjectQueries queries, string code)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var v = await queries.GetProjectAsync(code);
            if (v is not null && v.Phase != ProjectPhase.Filing && v.Items.All(i => i.State != ItemState.Pending)
                && (v.Phase is ProjectPhase.Completed or ProjectPhase.Closed || v.Items.Any(i => i.Open) || v.Phase == ProjectPhase.UnderConstruction)) return v;
            if (sw.Elapsed > TimeSpan.FromMinutes(2)) return v ?? throw new TimeoutException("no project");
            await Task.Delay(200);
        }
    }
}
