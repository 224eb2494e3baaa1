using Orchestrator.Tests.Shared;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Tests.Sla;

/// <summary>The daily report table on Azurite: a province's day is larger than one table property (32K characters).</summary>
public sealed class TableSlaReportStoreTests
{
    [Fact]
    public async Task A_report_larger_than_a_property_is_stored_whole_and_read_back()
    {
        var azurite = await SharedAzurite.GetAsync();
        var store = new TableSlaReportStore(new LifecycleTables(azurite.ConnectionString), "reports" + Guid.NewGuid().ToString("N")[..12]);
        var date = new DateOnly(2026, 12, 3);
        var at = new DateTimeOffset(2026, 12, 3, 0, 30, 0, TimeSpan.Zero);
        // 900 safety-net escalations (the 40,000-project bench had 886) and a board listing them: about 250K characters.
        var entries = Enumerable.Range(0, 900).Select(n => new SlaBoardEntry($"2603-620300-89-05-{n:D6}", "S1-EIA", "EEB", ItemState.UnderReview, SlaLight.Red,
            at.AddDays(-2), date.AddDays(-2), false, -2, 2, false, "statutory")).ToList();
        var board = new SlaBoard(at, date, 10, 20, 900, [new SlaBoardDepartment("EEB", 10, 20, 900, entries, 3, 4)], [], [], entries, 3, 4);
        var report = new SlaReport(date, at, null, 10, 20, 900, 7, entries.Select(e => $"{e.ProjectCode}/{e.ItemCode}").ToList(), board);

        await store.SaveAsync(report);
        var read = await store.GetAsync(date);

        Assert.NotNull(read);
        Assert.Equal(report.Escalated, read.Escalated);
        Assert.Equal(900, read.Board!.OverdueNotEscalated.Count);
        Assert.Equal(entries[^1], read.Board.OverdueNotEscalated[^1]);
        Assert.Equal((3, 4), (read.Board.DueTodayCount, read.Board.DueNextWorkingDayCount));

        // A smaller report of the same day replaces it, leaving no chunk of the larger one behind.
        await store.SaveAsync(report with { Escalated = ["one/S1-EIA"], Board = null });
        var replaced = await store.GetAsync(date);
        Assert.Equal(["one/S1-EIA"], replaced!.Escalated);
        Assert.Null(replaced.Board);
    }
}
