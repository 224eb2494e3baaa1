using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.ReadModel;
using Orchestrator.Orchestrations.Tests.Lifecycle;
using Orchestrator.Tests.Shared;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.ReadModel;

/// <summary>The read-model writer on Azurite: version guard, idempotent repeats, department counters that match the item rows.</summary>
public sealed class ReadModelWriterTests
{
    private const string Code = "2605-620300-89-05-100001";

    private static async Task<ReadModelTables> TablesAsync()
    {
        var azurite = await SharedAzurite.GetAsync();
        var prefix = AzuriteFixture.NewHubName("rm");
        var options = new LifecycleOptions();
        options.Tables.Projects = prefix + "Projects";
        options.Tables.ProjectDetails = prefix + "Details";
        options.Tables.DepartmentItems = prefix + "DeptItems";
        options.Tables.Escalations = prefix + "Escalations";
        return new ReadModelTables(new LifecycleTables(azurite.ConnectionString), Options.Create(options));
    }

    internal static PlannedItem Planned(string code, string department) =>
        new(code, code, code, 1, department, department, department, HandlingMode.Normal, false, "", new TimeLimit(10, DayUnit.WorkingDays), null, 0,
            D("2026-05-06"), D("2026-05-06"), D("2026-05-20"), 10, [], false);

    /// <summary>An open round whose deadline in force is the end of <paramref name="dueLocal"/> (a follow-up deadline: no calendar needed).</summary>
    private static ItemStatus Open(string item, string dept, string dueLocal, long seq = 1) =>
        new($"project-{Code}-item-{item}", seq, Code, Planned(item, dept), 1, ItemRoundPurpose.Approval, ItemState.UnderReview, Bj("2026-05-06 09:00"), null, null, [], null,
            Orchestrations.Calendar.ChinaTime.EndOfDay(D(dueLocal)), null, null, null, null, 0, false, 0, [], [], Bj("2026-05-06 09:00"));

    private static ProjectStatus Head(ProjectPhase phase, int stage) =>
        new(Code, "test project", new EnterpriseInfo("91350100M000100Y43", "enterprise", null, null, false, false, []), phase, stage, Bj("2026-05-06 09:00"),
            true, false, "v1", [], [], [], [], [], Bj("2026-05-06 09:00"), null, null);

    private static ReadModelUpdate Update(long version, ProjectPhase phase, params ItemChange[] items) =>
        new(version, Head(phase, (int)version), "JINCHANG-EDZ", [], items.Count(i => i.DueKey is not null), [], 0, items, 0, [], []);

    private static ItemChange Change(string item, string dept, string? due, string? previous, long seq = 1, int order = 0) =>
        new(item, order, due switch
        {
            null => Open(item, dept, "2026-05-20", seq) with { State = ItemState.Approved },
            ReadModelKeys.NoDue => Open(item, dept, "2026-05-20", seq) with { State = ItemState.CorrectionRequested, FollowUpDueAt = null },
            _ => Open(item, dept, $"{due[..4]}-{due[4..6]}-{due[6..]}", seq),
        }, due, previous, false);

    private static async Task<(Dictionary<string, int> Rows, Dictionary<string, int> Counters)> IndexAsync(ReadModelTables tables, string dept)
    {
        var table = await tables.DepartmentItemsAsync(dept);
        var rows = new Dictionary<string, int>();
        var counters = new Dictionary<string, int>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {dept}")))
        {
            if (e.RowKey.StartsWith("c|")) counters[e.RowKey[2..]] = e.GetInt32("Count") ?? 0;
            else { var due = e.RowKey.Split('|')[1]; rows[due] = rows.GetValueOrDefault(due) + 1; }
        }
        return (rows, counters);
    }

    [Fact]
    public async Task An_older_version_never_moves_a_row_back_and_a_repeat_changes_nothing()
    {
        var tables = await TablesAsync();
        var writer = new ReadModelWriter(tables);
        Assert.True(await writer.WriteAsync(Update(1, ProjectPhase.InApproval, Change("S1-A", "WRB", "20260515", null))));
        Assert.True(await writer.WriteAsync(Update(3, ProjectPhase.InApproval, Change("S1-A", "WRB", "20260520", "20260515", seq: 3))));
        // Version 2 arrives late (a replayed or duplicated activity): it would move the item back to the 18th.
        Assert.False(await writer.WriteAsync(Update(2, ProjectPhase.AwaitingLandRights, Change("S1-A", "WRB", "20260518", "20260515", seq: 2))));
        // Version 3 again: nothing changes.
        Assert.False(await writer.WriteAsync(Update(3, ProjectPhase.InApproval, Change("S1-A", "WRB", "20260520", "20260515", seq: 3))));

        var (rows, counters) = await IndexAsync(tables, "WRB");
        Assert.Equal(new Dictionary<string, int> { ["20260520"] = 1 }, rows);
        Assert.Equal(new Dictionary<string, int> { ["20260520"] = 1 }, counters);
        var project = (await (await tables.ProjectsAsync()).GetEntityAsync<TableEntity>("2605", Code)).Value;
        Assert.Equal(3, project.GetInt64("Version"));
        Assert.Equal("InApproval", project.GetString("Phase"));
        var item = (await (await tables.DetailsAsync()).GetEntityAsync<TableEntity>(Code, "item|S1-A")).Value;
        Assert.Equal(3, item.GetInt64("Version"));
        Assert.Contains("\"sequence\":3", item.GetString("Json")!.Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_department_write_applied_twice_leaves_the_counters_unchanged()
    {
        var tables = await TablesAsync();
        var writer = new ReadModelWriter(tables);
        var u = Update(1, ProjectPhase.InApproval, Change("S1-A", "WRB", "20260515", null), Change("S1-B", "WRB", "20260515", null, order: 1));
        await writer.WriteAsync(u);
        // The summary and item rows are what mark an update applied: remove them to make the writer redo the department step.
        var details = await tables.DetailsAsync();
        foreach (var rk in new[] { ReadModelKeys.Summary, "item|S1-A", "item|S1-B" }) await details.DeleteEntityAsync(Code, rk);
        Assert.True(await writer.WriteAsync(u));
        var (rows, counters) = await IndexAsync(tables, "WRB");
        Assert.Equal(2, rows["20260515"]);
        Assert.Equal(2, counters["20260515"]);
    }

    [Fact]
    public async Task Counters_match_the_item_rows_after_due_changes_and_closes()
    {
        var tables = await TablesAsync();
        var writer = new ReadModelWriter(tables);
        long v = 0;
        await writer.WriteAsync(Update(++v, ProjectPhase.InApproval,
            Change("S1-A", "WRB", "20260515", null), Change("S1-B", "WRB", "20260515", null, order: 1), Change("S1-C", "WRB", "20260518", null, order: 2), Change("S1-D", "NDRC", "20260518", null, order: 3)));
        await writer.WriteAsync(Update(++v, ProjectPhase.InApproval, Change("S1-A", "WRB", ReadModelKeys.NoDue, "20260515", seq: 2)));          // paused
        await writer.WriteAsync(Update(++v, ProjectPhase.InApproval, Change("S1-B", "WRB", null, "20260515", seq: 2, order: 1)));               // approved
        await writer.WriteAsync(Update(++v, ProjectPhase.InApproval, Change("S1-A", "WRB", "20260522", ReadModelKeys.NoDue, seq: 3)));        // resumed
        await writer.WriteAsync(Update(++v, ProjectPhase.InApproval, Change("S1-C", "WRB", "20260522", "20260518", seq: 2, order: 2),         // follow-up deadline
            Change("S1-D", "NDRC", null, "20260518", seq: 2, order: 3)));
        await writer.WriteAsync(Update(v - 1, ProjectPhase.InApproval, Change("S1-C", "WRB", "20260519", "20260518", seq: 2, order: 2)));     // stale

        var (rows, counters) = await IndexAsync(tables, "WRB");
        Assert.Equal(rows, counters);
        Assert.Equal(new Dictionary<string, int> { ["20260522"] = 2 }, rows);
        var ndrc = await IndexAsync(tables, "NDRC");
        Assert.Empty(ndrc.Rows);
        Assert.Empty(ndrc.Counters);
    }

    [Fact]
    public async Task Concurrent_projects_in_one_department_keep_the_counter_exact()
    {
        var tables = await TablesAsync();
        var writer = new ReadModelWriter(tables);
        // Twenty projects publish at once into the same department and due day: the counter row is contended (ETag retries).
        await Task.WhenAll(Enumerable.Range(0, 20).Select(n =>
        {
            var code = $"2605-620300-89-05-2000{n:D2}";
            var item = Open("S1-A", "WRB", "2026-05-15") with { ProjectCode = code, InstanceId = $"project-{code}-item-S1-A" };
            var head = Head(ProjectPhase.InApproval, 1) with { ProjectCode = code };
            return writer.WriteAsync(new ReadModelUpdate(1, head, null, [], 1, ["WRB"], 0, [new ItemChange("S1-A", 0, item, "20260515", null, false)], 0, [], []));
        }));
        var (rows, counters) = await IndexAsync(tables, "WRB");
        Assert.Equal(20, rows["20260515"]);
        Assert.Equal(20, counters["20260515"]);
    }
}
