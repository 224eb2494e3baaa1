using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.ReadModel;
using static Orchestrator.Orchestrations.Tests.Lifecycle.LifecycleTestHost;

namespace Orchestrator.Orchestrations.Tests.ReadModel;

/// <summary>
/// A department with more items due on one day than the board lists: the board stays bounded (its first entries, exact counts)
/// and the daily sweep still reminds every one of them, through the outbox's batched path.
/// </summary>
public sealed class BoardAtScaleTests
{
    private const string Code = "2603-141124-89-05-346951";
    private const int Others = 130;

    [Fact]
    public async Task The_board_lists_the_first_items_due_on_a_day_counts_them_all_and_the_sweep_reminds_every_one()
    {
        await using var t = await StartAsync(Bj("2026-03-02 00:30"), speed: 1000);
        var view = await t.FileAsync(Request(Code, commitments: []));
        var item = view.Items.First(i => i.Open && i.Due is not null);
        var table = await t.Services.GetRequiredService<ReadModelTables>().DepartmentItemsAsync(item.DepartmentCode);
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {item.DepartmentCode}"))) rows.Add(e);
        var row = rows.Single(r => r.GetString("InstanceId") == item.InstanceId);
        var dueKey = row.RowKey.Split('|')[1];
        var counter = rows.Single(r => r.RowKey == ReadModelKeys.Counter(dueKey));

        // 130 other projects' rounds of the same item due the same day, laid out as the writer lays them, and the day's counter.
        var status = JsonSerializer.Deserialize<ItemStatus>(row.GetString("Json")!, DomainJson.Wire)!;
        var codes = Enumerable.Range(0, Others).Select(n => $"2603-141124-89-05-{700000 + n}").ToList();
        var clones = codes.Select(c =>
        {
            var s = status with { ProjectCode = c, InstanceId = $"item-{c}-{status.Item.Code}" };
            return new TableEntity(item.DepartmentCode, ReadModelKeys.DepartmentItem(dueKey, c, s.InstanceId))
            {
                ["Version"] = 1L, ["ProjectCode"] = c, ["ProjectName"] = "clone", ["ItemCode"] = s.Item.Code, ["InstanceId"] = s.InstanceId,
                ["State"] = s.State.ToString(), ["Escalated"] = false, ["Json"] = JsonSerializer.Serialize(s, DomainJson.Wire),
            };
        }).ToList();
        foreach (var chunk in clones.Chunk(100))
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
        var before = counter.GetInt32("Count")!.Value;
        counter["Count"] = before + Others;
        await table.UpdateEntityAsync(counter, counter.ETag, TableUpdateMode.Replace);

        // The morning of that day.
        var day = item.Due!.DueDateLocal;
        var morning = ChinaTime.StartOfDay(day).AddHours(8.5);
        var board = await t.Queries.GetSlaBoardAsync(morning);
        var department = board.Departments.Single(d => d.DepartmentCode == item.DepartmentCode);
        Assert.Equal(before + Others, department.DueTodayCount);
        Assert.True(board.DueTodayCount >= before + Others);
        Assert.Equal(SlaBoard.EntriesPerList, board.DueToday.Count(e => e.DepartmentCode == item.DepartmentCode));
        Assert.Equal(board.DueToday.OrderBy(e => e.DueAtUtc).Select(e => e.ProjectCode), board.DueToday.Select(e => e.ProjectCode));

        // The sweep reminds all of them (the real project's item and every clone), once: a second sweep of the day adds nothing.
        var report = await t.Sweep.RunAsync(morning);
        Assert.True(report.RemindersSent >= Others + 1, $"{report.RemindersSent} reminders");
        var due = 0;
        await foreach (var e in t.Queries.ListDueSoonAsync(morning))
            if (e.DepartmentCode == item.DepartmentCode && e.DueDateLocal == day) due++;
        Assert.Equal(before + Others, due);
        var reminded = (await t.NotificationsAsync(null)).Where(n => n.Kind == "reminder-due-today" && n.Recipient == $"department:{item.DepartmentCode}").ToList();
        foreach (var c in codes.Append(Code)) Assert.Contains(reminded, n => n.ProjectCode == c);
        await t.Sweep.RunAsync(morning);
        Assert.Equal(reminded.Count, (await t.NotificationsAsync(null)).Count(n => n.Kind == "reminder-due-today" && n.Recipient == $"department:{item.DepartmentCode}"));
    }
}
