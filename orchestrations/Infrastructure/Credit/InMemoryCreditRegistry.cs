using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Infrastructure.Credit;

/// <summary>In-memory twin of <see cref="TableCreditRegistry"/> (Durable:Backend = InMemory, tests). Thread-safe.</summary>
public sealed class InMemoryCreditRegistry(CreditPolicy policy, IEnumerable<SeedEnterprise>? seed = null) : ICreditRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (EnterpriseCredit Credit, string? Name)> _credit = (seed ?? []).ToDictionary(s => s.Credit.Uscc, s => (s.Credit, (string?)s.Name));
    private readonly Dictionary<string, CreditFiling> _filings = new();
    private readonly Dictionary<string, PublishedCommitment> _commitments = new();
    private readonly List<CreditEventEntry> _events = [];

    public Task<EnterpriseCredit?> FindAsync(string uscc, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult(_credit.TryGetValue(uscc, out var c) ? c.Credit : null);
    }

    public Task UpsertAsync(EnterpriseCredit credit, string? name, CancellationToken ct = default)
    {
        lock (_gate) _credit[credit.Uscc] = (credit, name);
        return Task.CompletedTask;
    }

    public Task<CreditFiling> RecordFilingAsync(RecordFilingInput f, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var key = $"{f.Uscc}|{f.ProjectCode}";
            if (_filings.TryGetValue(key, out var existing)) return Task.FromResult(existing);
            if (!_credit.TryGetValue(f.Uscc, out var c))
                _credit[f.Uscc] = c = (new EnterpriseCredit(f.Uscc, null, false, false, policy.Options.Scoring.InitialScore), f.EnterpriseName);
            var filing = new CreditFiling(f.Uscc, f.ProjectCode, f.ProjectName, f.FiledAt, c.Credit.Score ?? policy.Options.Scoring.InitialScore);
            _filings[key] = filing;
            return Task.FromResult(filing);
        }
    }

    public Task PublishCommitmentsAsync(PublishCommitmentsInput input, CancellationToken ct = default)
    {
        lock (_gate)
            foreach (var c in input.Commitments)
                _commitments.TryAdd($"{input.Uscc}|{input.ProjectCode}|{c.ItemCode}",
                    new PublishedCommitment(input.Uscc, input.ProjectCode, c.ItemCode, c.DepartmentCode, c.Explanation, c.PublishedAt));
        return Task.CompletedTask;
    }

    public Task<CreditEventEntry> RecordEventAsync(CreditEventInput input, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var existing = _events.FirstOrDefault(e => e.Key == input.Key);
            if (existing is not null) return Task.FromResult(existing);
            _credit.TryGetValue(input.Uscc, out var c);
            var (entry, updated) = CreditScoring.Apply(policy, c.Credit, input);
            _credit[input.Uscc] = (updated, c.Name);
            _events.Add(entry);
            return Task.FromResult(entry);
        }
    }

    public Task<IReadOnlyList<CreditEventEntry>> ListEventsAsync(string uscc, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<CreditEventEntry>>(_events.Where(e => e.Uscc == uscc).ToList());
    }

    public Task<IReadOnlyList<PublishedCommitment>> ListCommitmentsAsync(string uscc, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<PublishedCommitment>>(_commitments.Values.Where(c => c.Uscc == uscc).ToList());
    }
}

/// <summary>Applies a credit event to an enterprise's credit with the domain credit policy (信用积分变动).</summary>
public static class CreditScoring
{
    public static (CreditEventEntry Entry, EnterpriseCredit Updated) Apply(CreditPolicy policy, EnterpriseCredit? credit, CreditEventInput input)
    {
        credit ??= new EnterpriseCredit(input.Uscc, null, false, false, policy.Options.Scoring.InitialScore);
        var change = policy.Apply(credit.Score ?? policy.Options.Scoring.InitialScore, input.Event, input.ItemCode);
        var updated = credit with
        {
            Score = change.ScoreAfter,
            Grade = change.GradeAfter,
            HasPriorFalseCommitment = credit.HasPriorFalseCommitment || change.MarksFalseCommitment,
        };
        var entry = new CreditEventEntry(input.Key, input.Uscc, input.ProjectCode, input.ItemCode, input.Event, input.At,
            change.ScoreBefore, change.Delta, change.ScoreAfter, change.GradeAfter, change.MarksFalseCommitment, change.Explanation, input.Note);
        return (entry, updated);
    }

    public static CreditScoreChange ToChange(CreditEventEntry e) =>
        new(e.Event, e.ItemCode, e.ScoreBefore, e.Delta, e.ScoreAfter, e.GradeAfter, e.MarksFalseCommitment, e.Explanation);
}
