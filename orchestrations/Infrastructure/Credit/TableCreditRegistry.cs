using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Infrastructure.Credit;

/// <summary>
/// The credit registry on the Azure table <c>EnterpriseCredit</c>. Partition = USCC; rows: <c>credit</c> (grade, flags,
/// score, name), <c>filing-{projectCode}</c>, <c>commitment-{projectCode}-{itemCode}</c>, <c>event-{key}</c>. A credit
/// event and the score it moves are written in one entity-group transaction guarded by the credit row's ETag, so a
/// retried activity never applies an event twice. Seeded from the sample file on first use (rows that exist are kept).
/// </summary>
public sealed class TableCreditRegistry(LifecycleTables tables, string tableName, CreditPolicy policy, IReadOnlyList<SeedEnterprise> seed) : ICreditRegistry
{
    private const string CreditRow = "credit";
    private readonly SemaphoreSlim _seedGate = new(1, 1);
    private bool _seeded;

    private async Task<TableClient> TableAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(tableName);
        if (_seeded) return table;
        await _seedGate.WaitAsync(ct);
        try
        {
            if (!_seeded)
            {
                foreach (var s in seed)
                {
                    try { await table.AddEntityAsync(ToEntity(s.Credit, s.Name), ct); }
                    catch (RequestFailedException ex) when (ex.Status == 409) { } // already there: keep the live record
                }
                _seeded = true;
            }
        }
        finally { _seedGate.Release(); }
        return table;
    }

    /// <summary>Creates the table and seeds the sample enterprises (rows that exist are kept); also done on first use.</summary>
    public Task SeedAsync(CancellationToken ct = default) => TableAsync(ct);

    public async Task<EnterpriseCredit?> FindAsync(string uscc, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        var r = await table.GetEntityIfExistsAsync<TableEntity>(LifecycleTables.Key(uscc), CreditRow, cancellationToken: ct);
        return r.HasValue ? FromEntity(r.Value!) : null;
    }

    public async Task UpsertAsync(EnterpriseCredit credit, string? name, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        await table.UpsertEntityAsync(ToEntity(credit, name), TableUpdateMode.Replace, ct);
    }

    public async Task<CreditFiling> RecordFilingAsync(RecordFilingInput f, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        var pk = LifecycleTables.Key(f.Uscc);
        var rk = LifecycleTables.Key($"filing-{f.ProjectCode}");
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
        if (existing.HasValue) return ReadFiling(existing.Value!);
        var credit = await FindAsync(f.Uscc, ct);
        if (credit is null)
        {
            credit = new EnterpriseCredit(f.Uscc, null, false, false, policy.Options.Scoring.InitialScore);
            try { await table.AddEntityAsync(ToEntity(credit, f.EnterpriseName), ct); }
            catch (RequestFailedException ex) when (ex.Status == 409) { credit = await FindAsync(f.Uscc, ct); }
        }
        var filing = new CreditFiling(f.Uscc, f.ProjectCode, f.ProjectName, f.FiledAt, credit!.Score ?? policy.Options.Scoring.InitialScore);
        var e = new TableEntity(pk, rk) { ["Json"] = JsonSerializer.Serialize(filing, DomainJson.Wire) };
        try { await table.AddEntityAsync(e, ct); }
        catch (RequestFailedException ex) when (ex.Status == 409) { }
        return filing;
    }

    public async Task PublishCommitmentsAsync(PublishCommitmentsInput input, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        var pk = LifecycleTables.Key(input.Uscc);
        foreach (var c in input.Commitments)
        {
            var p = new PublishedCommitment(input.Uscc, input.ProjectCode, c.ItemCode, c.DepartmentCode, c.Explanation, c.PublishedAt);
            var e = new TableEntity(pk, LifecycleTables.Key($"commitment-{input.ProjectCode}-{c.ItemCode}")) { ["Json"] = JsonSerializer.Serialize(p, DomainJson.Wire) };
            await table.UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
        }
    }

    public async Task<CreditEventEntry> RecordEventAsync(CreditEventInput input, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        var pk = LifecycleTables.Key(input.Uscc);
        var rk = LifecycleTables.Key($"event-{input.Key}");
        for (var attempt = 0; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
            if (existing.HasValue) return JsonSerializer.Deserialize<CreditEventEntry>(existing.Value!.GetString("Json"), DomainJson.Wire)!;
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, CreditRow, cancellationToken: ct);
            var credit = row.HasValue ? FromEntity(row.Value!) : null;
            var (entry, updated) = CreditScoring.Apply(policy, credit, input);
            var creditEntity = ToEntity(updated, row.HasValue ? row.Value!.GetString("Name") : null);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, new TableEntity(pk, rk) { ["Json"] = JsonSerializer.Serialize(entry, DomainJson.Wire), ["Event"] = entry.Event.ToString() }),
                row.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, creditEntity, row.Value!.ETag)
                    : new(TableTransactionActionType.Add, creditEntity),
            };
            try
            {
                await table.SubmitTransactionAsync(actions, ct);
                return entry;
            }
            catch (TableTransactionFailedException) when (attempt < 5)
            {
                // Another writer moved the score, or the event was recorded meanwhile: read again.
            }
        }
    }

    public async Task<IReadOnlyList<CreditEventEntry>> ListEventsAsync(string uscc, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        var pk = LifecycleTables.Key(uscc);
        var list = new List<CreditEventEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("event-") >= 0 && x.RowKey.CompareTo("event.") < 0, cancellationToken: ct))
            list.Add(JsonSerializer.Deserialize<CreditEventEntry>(e.GetString("Json"), DomainJson.Wire)!);
        return list.OrderBy(e => e.At).ToList();
    }

    public async Task<IReadOnlyList<PublishedCommitment>> ListCommitmentsAsync(string uscc, CancellationToken ct = default)
    {
        var table = await TableAsync(ct);
        var pk = LifecycleTables.Key(uscc);
        var list = new List<PublishedCommitment>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("commitment-") >= 0 && x.RowKey.CompareTo("commitment.") < 0, cancellationToken: ct))
            list.Add(JsonSerializer.Deserialize<PublishedCommitment>(e.GetString("Json"), DomainJson.Wire)!);
        return list;
    }

    private static CreditFiling ReadFiling(TableEntity e) => JsonSerializer.Deserialize<CreditFiling>(e.GetString("Json"), DomainJson.Wire)!;

    private static TableEntity ToEntity(EnterpriseCredit c, string? name) => new(LifecycleTables.Key(c.Uscc), CreditRow)
    {
        ["Uscc"] = c.Uscc,
        ["Name"] = name,
        ["Grade"] = c.Grade?.ToString(),
        ["HasDishonestyRecord"] = c.HasDishonestyRecord,
        ["HasPriorFalseCommitment"] = c.HasPriorFalseCommitment,
        ["Score"] = c.Score,
    };

    private static EnterpriseCredit FromEntity(TableEntity e) => new(
        e.GetString("Uscc") ?? e.PartitionKey,
        Enum.TryParse<CreditGrade>(e.GetString("Grade"), out var g) ? g : null,
        e.GetBoolean("HasDishonestyRecord") ?? false,
        e.GetBoolean("HasPriorFalseCommitment") ?? false,
        e.GetInt32("Score"));
}
