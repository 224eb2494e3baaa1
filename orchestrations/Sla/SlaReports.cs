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

/// <summary>Reports on the Azure table <c>SlaReports</c>: partition = year, row = yyyy-MM-dd; the board is kept when it fits a property.</summary>
public sealed class TableSlaReportStore(LifecycleTables tables, string tableName) : ISlaReportStore
{
    private const int MaxChars = 30_000; // a table string property holds 64 KiB (32K UTF-16 characters)

    public async Task SaveAsync(SlaReport report, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        var json = JsonSerializer.Serialize(report, DomainJson.Wire);
        if (json.Length > MaxChars) json = JsonSerializer.Serialize(report with { Board = null }, DomainJson.Wire);
        var e = new TableEntity(report.Date.Year.ToString("0000"), report.Date.ToString("yyyy-MM-dd"))
        {
            ["Json"] = json, ["Green"] = report.Green, ["Yellow"] = report.Yellow, ["Red"] = report.Red, ["Skipped"] = report.Skipped,
        };
        await table.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
    }

    public async Task<SlaReport?> GetAsync(DateOnly date, CancellationToken ct = default)
    {
        var table = await tables.GetAsync(tableName);
        var r = await table.GetEntityIfExistsAsync<TableEntity>(date.Year.ToString("0000"), date.ToString("yyyy-MM-dd"), cancellationToken: ct);
        return r.HasValue ? JsonSerializer.Deserialize<SlaReport>(r.Value!.GetString("Json"), DomainJson.Wire) : null;
    }
}
