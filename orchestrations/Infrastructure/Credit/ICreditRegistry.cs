using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.Infrastructure.Credit;

/// <summary>A credit event as recorded on the enterprise (信用记录).</summary>
public sealed record CreditEventEntry(string Key, string Uscc, string ProjectCode, string ItemCode, CreditEvent Event, DateTimeOffset At,
    int ScoreBefore, int Delta, int ScoreAfter, CreditGrade GradeAfter, bool MarksFalseCommitment, string Explanation, string Note);

/// <summary>The credit filing certificate (信用备案证) created at an enterprise's filing of a project.</summary>
public sealed record CreditFiling(string Uscc, string ProjectCode, string ProjectName, DateTimeOffset FiledAt, int ScoreAtFiling);

/// <summary>A published commitment (承诺公示) as stored.</summary>
public sealed record PublishedCommitment(string Uscc, string ProjectCode, string ItemCode, string DepartmentCode, string Explanation, DateTimeOffset PublishedAt);

/// <summary>
/// The enterprise credit registry (信用平台) the lifecycle reads and writes through activities. The default implementation
/// is the Azure table <c>EnterpriseCredit</c> (one partition per enterprise: its credit row, filings, published
/// commitments and credit events, so that an event and the score it moves are written in one transaction), seeded
/// from <c>data/credit/sample-enterprises.json</c>; the in-memory twin serves the InMemory backend and tests.
/// Every write is idempotent (a retried activity changes nothing twice).
/// </summary>
public interface ICreditRegistry
{
    /// <summary>The enterprise's credit, or null when the registry does not know it.</summary>
    Task<EnterpriseCredit?> FindAsync(string uscc, CancellationToken ct = default);

    /// <summary>Adds or replaces an enterprise's credit (seeding, administration).</summary>
    Task UpsertAsync(EnterpriseCredit credit, string? name, CancellationToken ct = default);

    /// <summary>Records a filing; the first filing of an enterprise creates its record with the initial score. Idempotent per project.</summary>
    Task<CreditFiling> RecordFilingAsync(RecordFilingInput filing, CancellationToken ct = default);

    /// <summary>Publishes the enterprise's commitments for a project (idempotent per item).</summary>
    Task PublishCommitmentsAsync(PublishCommitmentsInput input, CancellationToken ct = default);

    /// <summary>Applies a credit event (score change by the domain credit policy) once per key; a repeated key returns the first result.</summary>
    Task<CreditEventEntry> RecordEventAsync(CreditEventInput input, CancellationToken ct = default);

    /// <summary>The enterprise's credit events, oldest first.</summary>
    Task<IReadOnlyList<CreditEventEntry>> ListEventsAsync(string uscc, CancellationToken ct = default);

    /// <summary>The enterprise's published commitments.</summary>
    Task<IReadOnlyList<PublishedCommitment>> ListCommitmentsAsync(string uscc, CancellationToken ct = default);
}
