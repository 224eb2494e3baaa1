using System.Text.Json;
using Azure.Data.Tables;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.ReadModel;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle.Services;

/// <summary>
/// <see cref="IProjectQueries"/> on the read model (Azure tables written by <see cref="PublishProjectReadModel"/>): a project
/// is one partition query of <c>ProjectDetails</c>; project lists query <c>Projects</c> with the filters on the server where a
/// column allows it; a department's open items are its own table (<c>DepartmentItems{code}</c>) in due order; the SLA board reads
/// each department's per-day counters plus the item rows of today, the next working day, the overdue not escalated and the
/// paused. SLA lights are computed at read time (from the stored clocks, or from the due dates), so they are never stale.
/// The approval map is still read from the project's history (the BuildApprovalPlan result).
/// </summary>
public sealed class ProjectQueries(ReadModelTables tables, DurableTaskClient client, ItemClockCalculator calc, ApprovalCatalog catalog, TimeProvider time) : IProjectQueries
{
    public async Task<ProjectView?> GetProjectAsync(string projectCode, CancellationToken ct = default)
    {
        if (!InstanceIds.IsSafe(projectCode)) return null;
        var details = await tables.DetailsAsync();
        var items = new List<(int Order, ItemStatus Status)>();
        var timeline = new List<TimelineEntry>();
        var escalations = new List<EscalationRecord>();
        ProjectStatus? head = null;
        string runtime = "Running";
        // Row keys sort escalation| < item| < summary < timeline|, timeline rows by sequence.
        await foreach (var e in details.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectCode}"), cancellationToken: ct))
        {
            var json = e.GetString("Json");
            if (e.RowKey.StartsWith(ReadModelKeys.ItemPrefix, StringComparison.Ordinal)) items.Add((e.GetInt32("Order") ?? 0, Read<ItemStatus>(json)));
            else if (e.RowKey.StartsWith(ReadModelKeys.TimelinePrefix, StringComparison.Ordinal)) timeline.Add(Read<TimelineEntry>(json));
            else if (e.RowKey.StartsWith(ReadModelKeys.EscalationPrefix, StringComparison.Ordinal)) escalations.Add(Read<EscalationRecord>(json));
            else if (e.RowKey == ReadModelKeys.Summary) { head = Read<ProjectStatus>(json); runtime = e.GetString("RuntimeStatus") ?? runtime; }
        }
        if (head is null) return null;
        if (head.Phase is ProjectPhase.Completed or ProjectPhase.Closed)
        {
            // The last publish precedes the orchestration's end by one episode: an ended project shows the instance's own status
            // (e.g. Terminated), except while that last episode runs (the orchestrator only returns after the final publish).
            var m = await client.GetInstanceAsync(InstanceIds.Project(projectCode), getInputsAndOutputs: false, ct);
            if (m is not null && !m.IsRunning) runtime = m.RuntimeStatus.ToString();
        }
        var status = head with { Items = items.OrderBy(i => i.Order).Select(i => i.Status).ToList(), Timeline = timeline, Escalations = escalations.OrderBy(e => e.Sequence).ToList() };
        return ProjectViews.ToView(status, runtime, time.GetUtcNow(), calc, catalog);
    }

    public async Task<ApprovalPlan?> GetPlanAsync(string projectCode, CancellationToken ct = default)
    {
        if (!InstanceIds.IsSafe(projectCode)) return null;
        var id = InstanceIds.Project(projectCode);
        if (await client.GetInstanceAsync(id, ct) is null) return null;
        var history = await client.GetOrchestrationHistoryAsync(id, ct);
        var scheduled = history.OfType<TaskScheduledEvent>().FirstOrDefault(h => h.Name == LifecycleActivities.BuildApprovalPlan);
        if (scheduled is null) return null;
        var completed = history.OfType<TaskCompletedEvent>().FirstOrDefault(h => h.TaskScheduledId == scheduled.EventId);
        return completed?.Result is { } json ? JsonSerializer.Deserialize<ApprovalPlan>(json, DomainJson.Wire) : null;
    }

    /// <summary>
    /// Server-side: stage, phase, filed range, overdue and light (as ranges of MinOpenDueUtc, the earliest running deadline).
    /// In the page: the department (a delimited column, no "contains" in table queries), so a page can hold fewer than
    /// PageSize projects and still have a continuation token. The light of a project is that of its earliest running
    /// deadline (paused clocks do not count).
    /// </summary>
    public async Task<Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var bands = new SlaLightBands(calc.Calendar, calc.Options.WarningMarginDays, now);
        var filters = new List<string>();
        if (query.Stage is { } stage) filters.Add(TableClient.CreateQueryFilter($"Stage eq {stage}"));
        if (query.Phase is { } phase) filters.Add(TableClient.CreateQueryFilter($"Phase eq {phase.ToString()}"));
        if (query.FiledFrom is { } from) filters.Add(TableClient.CreateQueryFilter($"FiledUtc ge {from.ToUniversalTime()}"));
        if (query.FiledTo is { } to) filters.Add(TableClient.CreateQueryFilter($"FiledUtc lt {to.ToUniversalTime()}"));
        var none = ReadModelWriter.NoDueUtc;
        if (query.Overdue is { } overdue)
            filters.Add(overdue ? TableClient.CreateQueryFilter($"MinOpenDueUtc lt {now.ToUniversalTime()}") : TableClient.CreateQueryFilter($"MinOpenDueUtc ge {now.ToUniversalTime()}"));
        if (query.Light is { } light)
            filters.Add(light switch
            {
                SlaLight.Red => TableClient.CreateQueryFilter($"MinOpenDueUtc lt {now.ToUniversalTime()}"),
                SlaLight.Yellow => TableClient.CreateQueryFilter($"MinOpenDueUtc ge {now.ToUniversalTime()} and MinOpenDueUtc lt {bands.YellowEndsUtc.ToUniversalTime()}"),
                SlaLight.Green => TableClient.CreateQueryFilter($"MinOpenDueUtc ge {bands.YellowEndsUtc.ToUniversalTime()} and MinOpenDueUtc lt {none}"),
                _ => TableClient.CreateQueryFilter($"MinOpenDueUtc ge {none}"),
            });
        var table = await tables.ProjectsAsync();
        var size = Math.Clamp(query.PageSize, 1, 500);
        var filter = filters.Count == 0 ? null : string.Join(" and ", filters.Select(f => $"({f})"));
        await foreach (var page in table.QueryAsync<TableEntity>(filter, size, cancellationToken: ct).AsPages(PageTokens.Unwrap(ProjectsList, query.ContinuationToken), size))
        {
            var list = new List<ProjectSummary>();
            foreach (var e in page.Values)
            {
                if (query.DepartmentCode is { } dept && !(e.GetString("Departments") ?? "").Contains($"|{dept}|", StringComparison.OrdinalIgnoreCase)) continue;
                list.Add(ToSummary(e, bands));
            }
            return new Page<ProjectSummary>(list, PageTokens.Wrap(ProjectsList, page.ContinuationToken));
        }
        return new Page<ProjectSummary>([], null);
    }

    private static ProjectSummary ToSummary(TableEntity e, SlaLightBands bands)
    {
        var dues = (e.GetString("OpenDues") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => new DateTimeOffset(long.Parse(t), TimeSpan.Zero)).ToList();
        var light = dues.Count == 0 ? SlaLight.None : dues.Select(bands.ForInstant).Max();
        return new ProjectSummary(e.RowKey, e.GetString("Name") ?? "", e.GetString("Uscc") ?? "", e.GetString("EnterpriseName") ?? "",
            Enum.Parse<ProjectPhase>(e.GetString("Phase") ?? nameof(ProjectPhase.Filing)), e.GetInt32("Stage") ?? 0, light, e.GetInt32("OpenItems") ?? 0,
            dues.Count(d => d < bands.Now), e.GetDateTimeOffset("FiledUtc") ?? default, e.GetString("RuntimeStatus") ?? "Running");
    }

    public async Task<IReadOnlyList<DepartmentItemView>> ListDepartmentItemsAsync(string departmentCode, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var result = new List<DepartmentItemView>();
        await foreach (var e in ItemRowsAsync(departmentCode, ReadModelKeys.DepartmentItemPrefix, ReadModelKeys.End(ReadModelKeys.DepartmentItemPrefix), null, ct))
            result.Add(ToDepartmentItem(e, now));
        return result.OrderByDescending(r => r.Item.Light).ThenBy(r => r.Item.Due?.DueAtUtc ?? DateTimeOffset.MaxValue).ToList();
    }

    private const string ProjectsList = "projects";
    private static string DepartmentList(string departmentCode) => "department-items/" + departmentCode;

    /// <summary>A page of a department's open items in due order (the most urgent first; paused clocks last).</summary>
    public async Task<Page<DepartmentItemView>> ListDepartmentItemsPageAsync(string departmentCode, int pageSize, string? continuationToken, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var table = await tables.DepartmentItemsAsync(departmentCode);
        var size = Math.Clamp(pageSize, 1, 1000);
        var filter = RangeFilter(departmentCode, ReadModelKeys.DepartmentItemPrefix, ReadModelKeys.End(ReadModelKeys.DepartmentItemPrefix));
        var list = DepartmentList(departmentCode);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, size, cancellationToken: ct).AsPages(PageTokens.Unwrap(list, continuationToken), size))
            return new Page<DepartmentItemView>(page.Values.Select(e => ToDepartmentItem(e, now)).ToList(), PageTokens.Wrap(list, page.ContinuationToken));
        return new Page<DepartmentItemView>([], null);
    }

    private DepartmentItemView ToDepartmentItem(TableEntity e, DateTimeOffset now) =>
        new(e.GetString("ProjectCode") ?? "", e.GetString("ProjectName") ?? "", ProjectViews.ToView(Read<ItemStatus>(e.GetString("Json")), now, calc));

    /// <summary>
    /// Per department (in parallel): the counter rows give green/yellow/red by due date and the counts due today and on the
    /// next working day; the first <see cref="SlaBoard.EntriesPerList"/> item rows of today and of the next working day, the
    /// past days' rows not escalated, and the paused clocks (counted from their rows: their light is not a function of a due
    /// date) give the lists. A department's <see cref="SlaBoardDepartment.Entries"/> are those rows plus its 50 most urgent
    /// open clocks, not every running clock. Bounded: what a board read costs does not grow with the items due on a day.
    /// </summary>
    public async Task<SlaBoard> GetSlaBoardAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var bands = new SlaLightBands(calc.Calendar, calc.Options.WarningMarginDays, now);
        var next = calc.Calendar.NextWorkingDayOnOrAfter(bands.Today.AddDays(1));
        var departments = await Task.WhenAll(Departments.Select(d => DepartmentBoardAsync(d, bands, next, ct)));
        var rows = departments.Where(d => d.Green + d.Yellow + d.Red > 0 || d.Entries.Count > 0).OrderBy(d => d.DepartmentCode).ToList();
        var entries = rows.SelectMany(d => d.Entries).ToList();
        return new SlaBoard(now, bands.Today, rows.Sum(d => d.Green), rows.Sum(d => d.Yellow), rows.Sum(d => d.Red), rows,
            entries.Where(e => e.Light != SlaLight.Red && e.DueDateLocal == bands.Today).OrderBy(e => e.DueAtUtc).ToList(),
            entries.Where(e => e.Light != SlaLight.Red && e.DueDateLocal > bands.Today && e.DueDateLocal <= next).OrderBy(e => e.DueAtUtc).ToList(),
            entries.Where(e => e.Light == SlaLight.Red && !e.Escalated).OrderBy(e => e.DueAtUtc).ToList(),
            rows.Sum(d => d.DueTodayCount), rows.Sum(d => d.DueNextWorkingDayCount));
    }

    /// <summary>Every open item due today up to the next working day, department by department, from the due-date index.</summary>
    public async IAsyncEnumerable<SlaBoardEntry> ListDueSoonAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var bands = new SlaLightBands(calc.Calendar, calc.Options.WarningMarginDays, now);
        var next = calc.Calendar.NextWorkingDayOnOrAfter(bands.Today.AddDays(1));
        foreach (var department in Departments)
        await foreach (var e in ItemRowsAsync(department, ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(bands.Today),
                           ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(next.AddDays(1)), null, ct))
            if (ToEntry(e, department, bands) is { Light: not SlaLight.Red } entry) yield return entry;
    }

    private IEnumerable<string> Departments => catalog.Departments.Select(d => d.Code).Distinct();

    private async Task<SlaBoardDepartment> DepartmentBoardAsync(string department, SlaLightBands bands, DateOnly next, CancellationToken ct)
    {
        var table = await tables.DepartmentItemsAsync(department);
        var limit = SlaBoard.EntriesPerList;
        var counters = CollectAsync(table.QueryAsync<TableEntity>(RangeFilter(department, ReadModelKeys.CounterPrefix, ReadModelKeys.End(ReadModelKeys.CounterPrefix)), 1000, cancellationToken: ct));
        var today = FirstPageAsync(table, RangeFilter(department, ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(bands.Today),
            ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(bands.Today.AddDays(1))), limit, ct);
        var nextDay = FirstPageAsync(table, RangeFilter(department, ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(bands.Today.AddDays(1)),
            ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(next.AddDays(1))), limit, ct);
        var overdue = CollectAsync(ItemRowsAsync(department, ReadModelKeys.DepartmentItemPrefix, ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.Date(bands.Today), "Escalated eq false", ct));
        var paused = CollectAsync(ItemRowsAsync(department, ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.NoDue, ReadModelKeys.End(ReadModelKeys.DepartmentItemPrefix), null, ct));
        var urgent = FirstPageAsync(table, RangeFilter(department, ReadModelKeys.DepartmentItemPrefix, ReadModelKeys.End(ReadModelKeys.DepartmentItemPrefix)), UrgentEntries, ct);
        await Task.WhenAll(counters, today, nextDay, overdue, paused, urgent);
        int green = 0, yellow = 0, red = 0, dueToday = 0, dueNext = 0;
        foreach (var c in counters.Result)
        {
            if (ReadModelKeys.ParseDate(c.RowKey[ReadModelKeys.CounterPrefix.Length..]) is not { } due) continue; // paused: counted from their rows
            var n = c.GetInt32("Count") ?? 0;
            switch (bands.ForDate(due)) { case SlaLight.Red: red += n; break; case SlaLight.Yellow: yellow += n; break; default: green += n; break; }
            if (due == bands.Today) dueToday += n;
            else if (due > bands.Today && due <= next) dueNext += n;
        }
        var entries = new List<SlaBoardEntry>();
        foreach (var e in today.Result.Concat(nextDay.Result).Concat(overdue.Result).Concat(paused.Result).Concat(urgent.Result).DistinctBy(e => e.RowKey))
        {
            if (ToEntry(e, department, bands) is not { } entry) continue;
            if (e.RowKey.StartsWith(ReadModelKeys.DepartmentItemPrefix + ReadModelKeys.NoDue, StringComparison.Ordinal))
                switch (entry.Light) { case SlaLight.Red: red++; break; case SlaLight.Yellow: yellow++; break; case SlaLight.Green: green++; break; }
            entries.Add(entry);
        }
        return new SlaBoardDepartment(department, green, yellow, red, entries.OrderBy(e => e.DueAtUtc).ToList(), dueToday, dueNext);
    }

    /// <summary>A department index row as a board entry; null when its clock has no deadline in force.</summary>
    private SlaBoardEntry? ToEntry(TableEntity e, string department, SlaLightBands bands)
    {
        var s = Read<ItemStatus>(e.GetString("Json"));
        var sla = ItemSla.Read(s, bands.Now, calc);
        if (sla.DueAt is not { } due) return null;
        return new SlaBoardEntry(e.GetString("ProjectCode") ?? s.ProjectCode, s.Item.Code, department, s.State, sla.Light, due, ChinaTime.LocalDate(due),
            sla.Provisional, sla.DaysRemaining, ItemSla.WorkingDaysLate(calc.Calendar, due, bands.Now), e.GetBoolean("Escalated") ?? false, sla.Clock);
    }

    public async Task<IReadOnlyList<EscalationView>> ListEscalationsAsync(bool openOnly = true, CancellationToken ct = default)
    {
        var table = await tables.EscalationsAsync();
        var pk = openOnly ? ReadModelKeys.OpenEscalations : ReadModelKeys.AllEscalations;
        var result = new List<EscalationView>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk}"), cancellationToken: ct))
            result.Add(Read<EscalationView>(e.GetString("Json")));
        return result.OrderBy(e => e.State).ThenByDescending(e => e.Level).ThenBy(e => e.OpenedAt).ToList();
    }

    private async IAsyncEnumerable<TableEntity> ItemRowsAsync(string department, string fromKey, string toKey, string? extra,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.DepartmentItemsAsync(department);
        var filter = RangeFilter(department, fromKey, toKey) + (extra is null ? "" : $" and {extra}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, 1000, cancellationToken: ct)) yield return e;
    }

    private static string RangeFilter(string pk, string fromKey, string toKey) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {fromKey} and RowKey lt {toKey}");

    /// <summary>The most urgent open clocks a department row of the board lists besides today's, tomorrow's, the overdue not escalated and the paused.</summary>
    private const int UrgentEntries = 50;

    /// <summary>The first <paramref name="size"/> rows in key order (a page can come back short with a continuation token: read on).</summary>
    private static async Task<List<TableEntity>> FirstPageAsync(TableClient table, string filter, int size, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var page in table.QueryAsync<TableEntity>(filter, size, cancellationToken: ct).AsPages(null, size))
        {
            rows.AddRange(page.Values.Take(size - rows.Count));
            if (rows.Count >= size) break;
        }
        return rows;
    }

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var x in source) list.Add(x);
        return list;
    }

    private static T Read<T>(string? json) => JsonSerializer.Deserialize<T>(json ?? "null", DomainJson.Wire)!;
}
