using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Lifecycle.Services;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.ReadModel;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Bench;

/// <summary>
/// The read model at province scale (issue 10): N active projects' read-model rows seeded directly (batch transactions),
/// 50 real lifecycles on the engine beside them, then the latencies people feel: the SLA board, one department's open
/// items (first page), a filtered project page, one project read, the daily sweep, and decision → visible in the project
/// read for 200 department decisions. Side by side, the naive Durable Functions way: running instances whose custom status
/// is the project (the former gzip envelope), queried and decoded to build the board.
/// </summary>
internal static class ScaleBench
{
    private const int OpenPerProject = 4;

    public static async Task RunAsync(BenchOptions o, string connection, string? azuriteData = null, string? lifecycleConnection = null)
    {
        var hub = o.Hub ?? "scale" + Guid.NewGuid().ToString("N")[..8];
        var counters = new LifecycleBenchHost.Counters(new(), new(), new());
        var host = await LifecycleBenchHost.StartAsync(connection, hub, o, counters, tasks: r => r.AddOrchestratorFunc<string, string>(NaiveProject, async (ctx, status) =>
        {
            ctx.SetCustomStatus(new Envelope(status));
            return await ctx.WaitForExternalEvent<string>("never");
        }), lifecycleConnection: lifecycleConnection);
        try
        {
            var sp = host.Services;
            var queries = (ProjectQueries)sp.GetRequiredService<IProjectQueries>();
            var calc = sp.GetRequiredService<ItemClockCalculator>();
            var now = DateTimeOffset.UtcNow;
            var plan = sp.GetRequiredService<ApprovalPlanner>().Plan(Profile("2612-620300-89-05-000000", "OUTSIDE-ZONE"), ChinaTime.LocalDate(now).AddDays(-20));
            var planned = plan.Items.Take(20).ToList();
            Console.WriteLine($"scale: {o.Projects} projects x {planned.Count} items ({OpenPerProject} open each), details rows for {Math.Min(o.Projects, o.DetailProjects)} of them");

            // 1. Seed.
            var seeder = new Seeder(sp.GetRequiredService<ReadModelTables>(), calc, planned, now);
            var sw = Stopwatch.StartNew();
            var codes = await seeder.SeedAsync(o.Projects, Math.Min(o.Projects, o.DetailProjects));
            Console.WriteLine($"seeding: {sw.Elapsed.TotalSeconds:F0} s ({seeder.Rows} rows in {seeder.Batches} batch transactions, {seeder.JsonChars / 1_000_000} M characters of Json, {seeder.JsonChars / Math.Max(1, seeder.Rows)} per row)");

            // 2. 50 real lifecycles.
            var commands = sp.GetRequiredService<IProjectCommands>();
            var real = new List<string>();
            var yymm = ChinaTime.LocalDate(now).ToString("yyMM");
            for (var n = 0; n < o.Lifecycles; n++)
            {
                var code = $"{yymm}-620300-89-05-9{n:D5}";
                var r = await commands.FileProjectAsync(new FileProjectRequest(code, "标准化厂房 (bench)", "91350100M000100Y43", "示例标准厂房建设有限公司",
                    InvestmentNature.EnterpriseFiling, 5000m, ProjectLevel.None, null, "JINCHANG-EDZ", [], true, null, [], [], new Actor("bench", "platform")));
                if (r.Outcome == FileProjectOutcome.Created) real.Add(code);
            }
            sw.Restart();
            foreach (var code in real)
                await WaitAsync(() => queries.GetProjectAsync(code), v => v is { Phase: ProjectPhase.InApproval } && v.Items.Any(i => i.Open) && v.Items.All(i => i.State != ItemState.Pending), TimeSpan.FromMinutes(10));
            Console.WriteLine($"lifecycles: {real.Count} filed and in approval after {sw.Elapsed.TotalSeconds:F0} s");

            // 3. Reads.
            var rnd = new Random(7);
            var busiest = seeder.BusiestDepartment;
            // The board interleaved with the floor (one point read of a missing row on the same Azurite just before each board
            // read): a board read that is slow because Azurite was busy saving shows as a slow point read next to it.
            var projectsTable = await sp.GetRequiredService<ReadModelTables>().ProjectsAsync();
            var (board, floor) = await TimePairAsync(100, () => queries.GetSlaBoardAsync(DateTimeOffset.UtcNow),
                async () => (await projectsTable.GetEntityIfExistsAsync<TableEntity>("none", "none")).HasValue);
            var dept = await TimeAsync(100, () => queries.ListDepartmentItemsPageAsync(busiest, 50, null));
            var page = await TimeAsync(100, () => queries.ListProjectsAsync(new ProjectListQuery { Overdue = true, PageSize = 50 }));
            var read = await TimeAsync(200, () => queries.GetProjectAsync(codes[rnd.Next(Math.Min(codes.Count, o.DetailProjects))]));
            var lastBoard = await queries.GetSlaBoardAsync(DateTimeOffset.UtcNow);
            Console.WriteLine($"board: {lastBoard.Green} green, {lastBoard.Yellow} yellow, {lastBoard.Red} red; {lastBoard.DueTodayCount} due today ({lastBoard.DueToday.Count} listed), {lastBoard.DueNextWorkingDayCount} next working day ({lastBoard.DueNextWorkingDay.Count} listed), {lastBoard.OverdueNotEscalated.Count} overdue not escalated");
            Console.WriteLine($"board-p50: {board.P50:F0} ms");
            Console.WriteLine($"board-p99: {board.P99:F0} ms");
            Console.WriteLine($"department-items-p50: {dept.P50:F0} ms ({busiest}, first page of 50)");
            Console.WriteLine($"department-items-p99: {dept.P99:F0} ms");
            Console.WriteLine($"project-page-p50: {page.P50:F0} ms (overdue, 50 per page)");
            Console.WriteLine($"project-page-p99: {page.P99:F0} ms");
            Console.WriteLine($"project-read-p50: {read.P50:F0} ms");
            Console.WriteLine($"project-read-p99: {read.P99:F0} ms");
            Console.WriteLine($"point-read-p50: {floor.P50:F0} ms (Azurite's floor: one missing row, read just before each board read)");
            Console.WriteLine($"point-read-p99: {floor.P99:F0} ms");
            Console.WriteLine($"board-max: {board.Max:F0} ms, point-read-max: {floor.Max:F0} ms, board reads over 1 s: {board.Over(1000)} of {board.Count}");
            if (azuriteData is not null && Directory.Exists(azuriteData))
                Console.WriteLine($"azurite: table database {new DirectoryInfo(azuriteData).GetFiles("*table*.json").Sum(f => f.Length) / 1_000_000} MB on disk (saved whole every 5 s while it changes)");

            // 4. The daily sweep over the index.
            var sweep = sp.GetRequiredService<SlaSweepService>();
            sw.Restart();
            var report = await sweep.RunAsync(DateTimeOffset.UtcNow);
            Console.WriteLine($"sweep: {sw.Elapsed.TotalSeconds:F1} s ({report.RemindersSent} reminders, {report.Escalated.Count} escalation requests{(report.Skipped is { } s ? ", skipped: " + s : "")})");

            // 5. Decision → visible in the project read, 200 decisions (10 at a time) on the real lifecycles.
            var visible = await DecisionsAsync(commands, queries, real, o.Decisions);
            Console.WriteLine($"decision-visible-p50: {visible.P50:F0} ms");
            Console.WriteLine($"decision-visible-p99: {visible.P99:F0} ms ({visible.Count} decisions)");

            // 6. The naive way.
            if (o.NaiveProjects == 0) return;
            var naive = await NaiveAsync(sp.GetRequiredService<DurableTaskClient>(), calc, seeder, o.NaiveProjects);
            var scale = (double)o.NaiveTarget / Math.Max(1, o.NaiveProjects);
            var naiveP99 = naive.P99 * scale;
            Console.WriteLine($"naive-board-p99: {naiveP99:F0} ms{(o.NaiveProjects == o.NaiveTarget ? "" : $" (measured {naive.P99:F0} ms at {o.NaiveProjects} instances, scaled linearly to {o.NaiveTarget})")}");
            Console.WriteLine($"naive-ratio: {naiveP99 / Math.Max(1, board.P99):F0} x");
            Console.WriteLine($"naive-board-p50: {naive.P50 * scale:F0} ms, ratio of the p50s: {naive.P50 * scale / Math.Max(1, board.P50):F0} x");
        }
        finally { await BenchHost.StopAsync(host); }
    }

    private const string NaiveProject = "BenchNaiveProject";

    /// <summary>The former custom status envelope: base64 of the gzip of the ProjectStatus JSON.</summary>
    private sealed record Envelope(string Gzip);

    private static string Gzip(ProjectStatus status)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(status, DomainJson.Wire);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(json);
        return Convert.ToBase64String(buffer.ToArray());
    }

    private static ProjectStatus? Gunzip(string data)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(data)), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<ProjectStatus>(gzip, DomainJson.Wire);
    }

    private static async Task<Stats> NaiveAsync(DurableTaskClient client, ItemClockCalculator calc, Seeder seeder, int count)
    {
        var sw = Stopwatch.StartNew();
        var ids = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, _) =>
        {
            var code = $"2612-620300-89-05-8{n:D5}";
            var id = "naive-" + code;
            await client.ScheduleNewOrchestrationInstanceAsync(NaiveProject, Gzip(seeder.Status(code, n)), new StartOrchestrationOptions(id));
            lock (ids) ids.Add(id);
        });
        // Wait until every instance has set its custom status.
        while (true)
        {
            var ready = 0;
            await foreach (var m in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "naive-", PageSize = 1000, Statuses = [OrchestrationRuntimeStatus.Running] }))
                if (m.SerializedCustomStatus is { Length: > 0 }) ready++;
            if (ready >= count) break;
            Console.WriteLine($"naive: {ready}/{count} instances running with their status ({sw.Elapsed.TotalSeconds:F0} s)");
            await Task.Delay(5000);
        }
        Console.WriteLine($"naive: {count} instances in {sw.Elapsed.TotalSeconds:F0} s");
        return await TimeAsync(5, async () =>
        {
            var projects = new List<ProjectStatus>();
            await foreach (var m in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "naive-", PageSize = 500, Statuses = [OrchestrationRuntimeStatus.Running] }))
                if (m.ReadCustomStatusAs<Envelope>() is { } e && Gunzip(e.Gzip) is { } p) projects.Add(p);
            return SlaBoardBuilder.Build(projects, DateTimeOffset.UtcNow, calc);
        });
    }

    private static async Task<Stats> DecisionsAsync(IProjectCommands commands, ProjectQueries queries, List<string> projects, int count)
    {
        var latencies = new List<double>();
        var queue = new Queue<string>(Enumerable.Range(0, count * 4).Select(i => projects[i % projects.Count]));
        var gate = new SemaphoreSlim(10);
        var tasks = new List<Task>();
        var started = 0;
        var key = 0;
        var busy = new HashSet<string>();
        while (Volatile.Read(ref started) < count && queue.Count > 0)
        {
            await gate.WaitAsync();
            var code = queue.Dequeue();
            bool added;
            lock (busy) added = busy.Add(code);
            if (!added) { gate.Release(); queue.Enqueue(code); await Task.Delay(20); continue; }
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var view = await queries.GetProjectAsync(code);
                    var open = view?.Items.FirstOrDefault(i => i.Open);
                    if (open is null) return;
                    var k = $"bench-{Interlocked.Increment(ref key)}";
                    var sw = Stopwatch.StartNew();
                    var r = await commands.RecordDecisionAsync(open.DepartmentCode, code, open.ItemCode, DepartmentDecision.Approve(new Actor("bench", "department", open.DepartmentCode), k));
                    if (r.Outcome != CommandOutcome.Applied) return;
                    Interlocked.Increment(ref started);
                    await WaitAsync(() => queries.GetProjectAsync(code), v => v!.Items.Any(i => i.InstanceId == r.InstanceId && i.Decisions.Any(d => d.IdempotencyKey == k)), TimeSpan.FromMinutes(2), 10);
                    lock (latencies) latencies.Add(sw.Elapsed.TotalMilliseconds);
                }
                finally
                {
                    lock (busy) busy.Remove(code);
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(tasks);
        return Stats.Of(latencies);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, int pollMs = 200)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var v = await read();
            if (done(v)) return v;
            if (sw.Elapsed > timeout) throw new TimeoutException("bench: waited too long");
            await Task.Delay(pollMs);
        }
    }

    private static async Task<Stats> TimeAsync<T>(int n, Func<Task<T>> op)
    {
        await op(); // warm
        var list = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            await op();
            list.Add(sw.Elapsed.TotalMilliseconds);
        }
        return Stats.Of(list);
    }

    private static async Task<(Stats A, Stats B)> TimePairAsync<TA, TB>(int n, Func<Task<TA>> a, Func<Task<TB>> b)
    {
        await a(); // warm
        await b();
        var la = new List<double>();
        var lb = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            await b();
            lb.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            await a();
            la.Add(sw.Elapsed.TotalMilliseconds);
        }
        return (Stats.Of(la), Stats.Of(lb));
    }

    internal sealed record Stats(double P50, double P99, int Count, double Max = 0, IReadOnlyList<double>? Values = null)
    {
        public int Over(double ms) => Values?.Count(v => v > ms) ?? 0;

        public static Stats Of(List<double> values)
        {
            if (values.Count == 0) return new(0, 0, 0);
            var v = values.Order().ToList();
            double At(double q) => v[Math.Min(v.Count - 1, (int)Math.Ceiling(q * v.Count) - 1)];
            return new(At(0.5), At(0.99), v.Count, v[^1], v);
        }
    }

    internal static ProjectProfile Profile(string code, string zone) => new()
    {
        ProjectCode = code, EnterpriseUscc = "91350100M000100Y43", Credit = new EnterpriseCredit("91350100M000100Y43", CreditGrade.A, false, false),
        InvestmentNature = InvestmentNature.EnterpriseFiling, InvestmentWan = 5000m, Sector = "manufacturing", ZoneCode = zone, LandRightsHeld = true,
    };

    /// <summary>
    /// Writes read-model rows for synthetic active projects the way the writer lays them out, in batch transactions:
    /// 20 items each from a real approval map, 4 of them open (accepted 0-19 days ago on their real limits), the rest
    /// approved; about 1 in 100 overdue items not escalated (items escalate by their own timers; the sweep is the safety net).
    /// </summary>
    private sealed class Seeder(ReadModelTables tables, ItemClockCalculator calc, List<PlannedItem> planned, DateTimeOffset now)
    {
        private readonly Dictionary<string, List<TableEntity>> _dept = new();
        private readonly Dictionary<(string, string), int> _counters = new();
        private readonly Dictionary<string, List<TableEntity>> _projects = new();
        public long Rows;
        public long Batches;
        /// <summary>Characters of the Json columns written (Azurite keeps every row in one in-memory database and saves it whole).</summary>
        public long JsonChars;
        public string BusiestDepartment => _counters.GroupBy(c => c.Key.Item1).MaxBy(g => g.Sum(x => x.Value))!.Key;

        public ProjectStatus Status(string code, int n)
        {
            var r = new Random(n);
            var open = Enumerable.Range(0, planned.Count).OrderBy(_ => r.Next()).Take(OpenPerProject).ToHashSet();
            var items = planned.Select((p, i) =>
            {
                var accepted = now.AddDays(-r.Next(0, 20)).AddHours(-r.Next(0, 12));
                var clock = ItemClock.Start(p.Code, accepted, p.Limit.Days == 0 ? new TimeLimit(5, DayUnit.WorkingDays) : p.Limit);
                var state = open.Contains(i) ? ItemState.UnderReview : ItemState.Approved;
                if (state == ItemState.Approved) clock = clock.Stop(accepted.AddDays(1));
                return new ItemStatus($"project-{code}-item-{p.Code}", 3, code, p, 1, ItemRoundPurpose.Approval, state, accepted, clock, null, [], null, null, null, null, null,
                    state == ItemState.Approved ? accepted.AddDays(1) : null, 0, false, 0, [], [], accepted);
            }).ToList();
            var timeline = Enumerable.Range(0, 8).Select(k => new TimelineEntry(now.AddDays(-20 + k), "item-approved", $"entry {k} of {code}")).ToList();
            return new ProjectStatus(code, $"bench project {n}", new EnterpriseInfo("91350100M000100Y43", "示例标准厂房建设有限公司", CreditGrade.A, 100, false, false, []),
                ProjectPhase.InApproval, 1 + n % 3, now.AddDays(-25 - n % 300), true, false, "bench", items, [], [], [], timeline, now, null, null);
        }

        public async Task<List<string>> SeedAsync(int count, int withDetails)
        {
            var details = await tables.DetailsAsync();
            var codes = new List<string>();
            var months = Enumerable.Range(0, 24).Select(m => new DateOnly(2025, 1, 1).AddMonths(m).ToString("yyMM")).ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (n, ct) =>
            {
                var code = $"{months[n % months.Length]}-620300-89-05-{n:D6}";
                var p = Status(code, n);
                var openItems = p.Items.Where(i => ItemStates.IsOpen(i.State)).ToList();
                var dues = openItems.Select(i => ItemSla.EffectiveDue(i, calc).DueAt!.Value).ToList();
                var row = new TableEntity(ReadModelKeys.ProjectPartition(code), code)
                {
                    ["Version"] = 3L, ["Name"] = p.ProjectName, ["Uscc"] = p.Enterprise.Uscc, ["EnterpriseName"] = p.Enterprise.Name, ["Zone"] = "OUTSIDE-ZONE",
                    ["Phase"] = p.Phase.ToString(), ["Stage"] = p.CurrentStage, ["FiledUtc"] = p.FiledAt, ["UpdatedUtc"] = now, ["OpenItems"] = openItems.Count,
                    ["OpenEscalations"] = 0, ["RuntimeStatus"] = "Running", ["Departments"] = "|" + string.Join("|", openItems.Select(i => i.Item.DepartmentCode).Distinct()) + "|",
                    ["OpenDues"] = string.Join(",", dues.Select(d => d.UtcTicks)), ["OverdueAtWrite"] = dues.Count(d => d < now), ["MinOpenDueUtc"] = dues.Min(),
                };
                List<TableEntity>? fullProjects = null;
                lock (_projects)
                {
                    codes.Add(code);
                    var list = _projects.TryGetValue(row.PartitionKey, out var l) ? l : _projects[row.PartitionKey] = [];
                    list.Add(row);
                    if (list.Count == 100) { fullProjects = list; _projects[row.PartitionKey] = []; }
                }
                if (fullProjects is not null) await SubmitAsync(await tables.ProjectsAsync(), fullProjects);
                var deptFull = new List<List<TableEntity>>();
                foreach (var i in openItems)
                {
                    var due = ReadModelKeys.DueKey(i, calc)!;
                    var overdue = ItemSla.EffectiveDue(i, calc).DueAt < now;
                    var e = new TableEntity(i.Item.DepartmentCode, ReadModelKeys.DepartmentItem(due, code, i.InstanceId))
                    {
                        ["Version"] = 3L, ["ProjectCode"] = code, ["ProjectName"] = p.ProjectName, ["ItemCode"] = i.Item.Code, ["InstanceId"] = i.InstanceId,
                        ["State"] = i.State.ToString(), ["Escalated"] = overdue && n % 100 != 0, ["Json"] = JsonSerializer.Serialize(i, DomainJson.Stored),
                    };
                    lock (_dept)
                    {
                        _counters[(i.Item.DepartmentCode, due)] = _counters.GetValueOrDefault((i.Item.DepartmentCode, due)) + 1;
                        var list = _dept.TryGetValue(e.PartitionKey, out var l) ? l : _dept[e.PartitionKey] = [];
                        list.Add(e);
                        if (list.Count == 100) { deptFull.Add(list); _dept[e.PartitionKey] = []; }
                    }
                }
                foreach (var batch in deptFull) await SubmitAsync(await tables.DepartmentItemsAsync(batch[0].PartitionKey), batch);
                if (n < withDetails)
                {
                    var rows = p.Items.Select((i, k) => new TableEntity(code, ReadModelKeys.Item(i.Item.Code)) { ["Version"] = 3L, ["Order"] = k, ["InstanceId"] = i.InstanceId, ["Json"] = JsonSerializer.Serialize(i, DomainJson.Stored) })
                        .Concat(p.Timeline.Select((t, k) => new TableEntity(code, ReadModelKeys.Timeline(k)) { ["Version"] = 3L, ["Json"] = JsonSerializer.Serialize(t, DomainJson.Stored) }))
                        .Append(new TableEntity(code, ReadModelKeys.Summary) { ["Version"] = 3L, ["RuntimeStatus"] = "Running", ["Json"] = JsonSerializer.Serialize(p with { Items = [], Timeline = [] }, DomainJson.Stored) })
                        .ToList();
                    await SubmitAsync(details, rows);
                }
                if (n > 0 && n % 10_000 == 0) Console.WriteLine($"seeding: {n} projects");
            });
            foreach (var list in _projects.Values.Where(l => l.Count > 0)) await SubmitAsync(await tables.ProjectsAsync(), list);
            foreach (var list in _dept.Values.Where(l => l.Count > 0)) await SubmitAsync(await tables.DepartmentItemsAsync(list[0].PartitionKey), list);
            foreach (var g in _counters.GroupBy(c => c.Key.Item1))
            foreach (var chunk in g.Chunk(100))
                await SubmitAsync(await tables.DepartmentItemsAsync(g.Key), chunk.Select(c => new TableEntity(c.Key.Item1, ReadModelKeys.Counter(c.Key.Item2)) { ["Count"] = c.Value }).ToList());
            return codes;
        }

        private async Task SubmitAsync(TableClient table, List<TableEntity> rows)
        {
            Interlocked.Add(ref JsonChars, rows.Sum(r => (long)(r.GetString("Json")?.Length ?? 0)));
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
            Interlocked.Add(ref Rows, rows.Count);
            Interlocked.Increment(ref Batches);
        }
    }
}
