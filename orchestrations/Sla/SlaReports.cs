using System.Text.Json;
using Azure.Data.Tables;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Sla;

/// <summary>The daily SLA report ops read (红黄灯日报): the board, the reminders sent and the safety-net escalations.</summary>
/// <param name="Date">Local date (Asia/Shanghai) of the sweep.</param>
/// <param name="Skipped">Why nothing ran (a non-working day), else null.</param>
public sealed record SlaReport(DateOnly Date, DateTimeOffset At, string? Skipped, int Green, int Yellow, int Red,
    int RemindersSent, IReadOnlyList<string> Escalated, SlaBoard? Board);

/// <summary>Stores one report per local day (a re-run of the same day replaces it).</summary>
public interface ISlaReportStore
{
    Task SaveAsync(SlaReport report, CancellationToken ct = default);
    Task<SlaReport?> GetAsync(DateOnly date, CancellationToken ct = default);
}

public sealed class InMemorySlaReportStore : ISlaReportStore
{
    private readonly Dictionary<DateOnly, SlaReport> _reports = new();

    public Task SaveAsync(SlaReport report, CancellationToken ct = default)
    {
        lock (_reports) _reports[report.Date] = report;
        return Task.CompletedTask;
    }

    public Task<SlaReport?> GetAsync(DateOnly date, CancellationToken ct = default)
    {
        lock (_reports) return Task.FromResult(_reports.GetValueOrDefault(date));
    }
}

/// <summary>
/// Reports on the Azure table <c>SlaReports</c>: partition = year, row = yyyy-MM-dd. The JSON is split over properties
/// <c>Json</c>, <c>Json1</c>, <c>Json2</c>… (a string property holds 32K characters, an entity 1 MiB), so a province's day
/// (hundreds of safety-net escalations, the board) fits; the departments' entries, then the board, are left out only when the whole would not.
/// </summary>
public sealed class TableSlaReportStore(LifecycleTables tables, string tableName) : ISlaReportStore
{
    private const int ChunkChars = 30_000; // a table string property holds 64 KiB (32K UTF-16 characters)
    private const int MaxChunks = 15;      // 900K characters of UTF-16: under the 1 MiB entity limit with the other columns

    public async Task SaveAsync(SlaReport report, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        // Too large whole: first the departments' entries go (their counts stay; the due and overdue lists repeat most of
        // them), then the board.
        var json = JsonSerializer.Serialize(report, DomainJson.Stored);
        if (json.Length > ChunkChars * MaxChunks && report.Board is { } board)
            json = JsonSerializer.Serialize(report with { Board = board with { Departments = board.Departments.Select(d => d with { Entries = [] }).ToList() } }, DomainJson.Stored);
        if (json.Length > ChunkChars * MaxChunks) json = JsonSerializer.Serialize(report with { Board = null }, DomainJson.Stored);
        if (json.Length > ChunkChars * MaxChunks)
            throw new InvalidOperationException($"The SLA report of {report.Date:yyyy-MM-dd} is {json.Length} characters even without the board; it lists {report.Escalated.Count} escalations.");
        var e = new TableEntity(report.Date.Year.ToString("0000"), report.Date.ToString("yyyy-MM-dd"))
        {
            ["Green"] = report.Green, ["Yellow"] = report.Yellow, ["Red"] = report.Red, ["Skipped"] = report.Skipped,
        };
        for (var n = 0; n * ChunkChars < json.Length; n++)
            e[n == 0 ? "Json" : $"Json{n}"] = json.Substring(n * ChunkChars, Math.Min(ChunkChars, json.Length - n * ChunkChars));
        await table.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
    }

    public async Task<SlaReport?> GetAsync(DateOnly date, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        var r = await table.GetEntityIfExistsAsync<TableEntity>(date.Year.ToString("0000"), date.ToString("yyyy-MM-dd"), cancellationToken: ct);
        if (!r.HasValue) return null;
        var json = new System.Text.StringBuilder(r.Value!.GetString("Json"));
        for (var n = 1; r.Value.GetString($"Json{n}") is { } chunk; n++) json.Append(chunk);
        return JsonSerializer.Deserialize<SlaReport>(json.ToString(), DomainJson.Wire);
    }
}
