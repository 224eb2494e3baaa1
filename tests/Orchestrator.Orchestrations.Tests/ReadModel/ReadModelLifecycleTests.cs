using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.ReadModel;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.ReadModel;

/// <summary>The read model under a real lifecycle: board and department lists from the index, the sweep, the rebuild, the small custom status.</summary>
public sealed class ReadModelLifecycleTests
{
    private const string Code = "2603-141124-89-05-346950";

    [Fact]
    public async Task The_board_lists_and_sweep_read_the_index_and_a_rebuild_recreates_deleted_rows()
    {
        // A slow domain clock (a domain day in about 86 s): nothing changes by itself while the test compares reads.
        await using var t = await StartAsync(Bj("2026-03-02 00:30"), speed: 1000);
        var view = await t.FileAsync(Request(Code, commitments: ["S1-EIA"]));
        var open = view.Items.Where(i => i.Open && i.Due is not null).ToList();
        Assert.NotEmpty(open);

        // The board counts every open item with a deadline, per department (from the counter rows).
        var board = await t.Queries.GetSlaBoardAsync(t.Now);
        Assert.Equal(open.Count, board.Green + board.Yellow + board.Red);
        foreach (var g in open.GroupBy(i => i.DepartmentCode))
        {
            var row = Assert.Single(board.Departments, d => d.DepartmentCode == g.Key);
            Assert.Equal(g.Count(), row.Green + row.Yellow + row.Red);
            Assert.Equal(g.Count(i => i.Light == SlaLight.Green), row.Green);
            // A department's list is one partition; paging it one by one gives the same items.
            var list = await t.Queries.ListDepartmentItemsAsync(g.Key);
            Assert.Equal(g.Select(i => i.InstanceId).Order(), list.Where(l => l.ProjectCode == Code).Select(l => l.Item.InstanceId).Order());
            var paged = new List<string>();
            string? token = null;
            do
            {
                var page = await t.Queries.ListDepartmentItemsPageAsync(g.Key, 1, token);
                paged.AddRange(page.Items.Select(i => i.Item.InstanceId));
                token = page.ContinuationToken;
            } while (token is not null);
            Assert.Equal(list.Select(l => l.Item.InstanceId).Order(), paged.Order());
            if (list.Count < 2) continue;
            // Tokens are bound to their list: the table's raw token, or one of another department's list, is refused.
            var first = (await t.Queries.ListDepartmentItemsPageAsync(g.Key, 1, null)).ContinuationToken!;
            await Assert.ThrowsAsync<FormatException>(() => t.Queries.ListDepartmentItemsPageAsync(g.Key, 1, $"{g.Key} item|"));
            var other = await Assert.ThrowsAsync<FormatException>(() => t.Queries.ListDepartmentItemsPageAsync(g.Key == "HCD" ? "NRB" : "HCD", 1, first));
            Assert.Contains("another list", other.Message);
            await Assert.ThrowsAsync<FormatException>(() => t.Queries.ListProjectsAsync(new ProjectListQuery { ContinuationToken = first }));
        }

        // The daily sweep builds its board from the index.
        var report = await t.Sweep.RunAsync(t.Now);
        Assert.Equal(open.Count, report.Green + report.Yellow + report.Red);

        // The custom status is the small one.
        var meta = await t.Client.GetInstanceAsync(InstanceIds.Project(Code));
        Assert.True(meta!.SerializedCustomStatus!.Length < 16 * 1024);
        var custom = meta.ReadCustomStatusAs<ProjectCustomStatus>()!;
        Assert.Equal(view.Items.Count, custom.Rounds.Count);
        Assert.True(custom.Version > 0);

        // Lose the read model: every row of its tables deleted (the department index is a table per department).
        var before = Normalize(await t.Queries.GetProjectAsync(Code));
        var departments = t.Services.GetRequiredService<ApprovalCatalog>().Departments.Select(d => "DepartmentItems" + d.Code);
        foreach (var table in new[] { "Projects", "ProjectDetails", "Escalations" }.Concat(departments))
        {
            var client = await t.TableAsync(t.TaskHub + table);
            await foreach (var e in client.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
                await client.DeleteEntityAsync(e.PartitionKey, e.RowKey);
        }
        Assert.Null(await t.Queries.GetProjectAsync(Code));
        Assert.Empty((await t.Queries.ListProjectsAsync(new ProjectListQuery())).Items);

        // The rebuild re-creates it from the orchestration (the source of truth).
        var rebuilt = await t.Services.GetRequiredService<ReadModelRebuilder>().RebuildAsync();
        Assert.Equal(1, rebuilt);
        // A running project republishes in its next episode.
        await t.WaitForValueAsync(() => t.Queries.GetProjectAsync(Code), v => v is not null && Normalize(v) == before, "the project to republish its read model");
        Assert.Equal(before, Normalize(await t.Queries.GetProjectAsync(Code)));
        var again = await t.Queries.GetSlaBoardAsync(t.Now);
        Assert.Equal(board.Green + board.Yellow + board.Red, again.Green + again.Yellow + again.Red);
        Assert.Equal([Code], (await t.Queries.ListProjectsAsync(new ProjectListQuery())).Items.Select(p => p.ProjectCode));

        // The project goes on after the rebuild, and the read model follows it.
        await t.ApproveAsync(Code, open[0].ItemCode);
    }

    private static string Normalize(ProjectView? v) => JsonSerializer.Serialize(v! with { ReadAt = default }, DomainJson.Wire);
}
