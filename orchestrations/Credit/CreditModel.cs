using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Credit;

/// <summary>Credit grade (信用等级), A best to E worst (Yangzhou five-grade seed).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CreditGrade>))]
public enum CreditGrade { A = 1, B = 2, C = 3, D = 4, E = 5 }

/// <summary>Level of a major project (重大项目) designation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProjectLevel>))]
public enum ProjectLevel { None = 0, County = 1, City = 2, Province = 3, National = 4 }

/// <summary>An enterprise's credit as the credit platform reports it.</summary>
/// <param name="Uscc">Unified social credit code.</param>
/// <param name="Grade">Credit grade, null if not graded.</param>
/// <param name="HasDishonestyRecord">On a dishonesty list / fairly serious bad credit record (失信记录).</param>
/// <param name="HasPriorFalseCommitment">Made a false commitment before and has not repaired its credit (虚假承诺).</param>
/// <param name="Score">Credit score (Gansu seed), null if not scored.</param>
public sealed record EnterpriseCredit(string Uscc, CreditGrade? Grade, bool HasDishonestyRecord, bool HasPriorFalseCommitment, int? Score = null);

/// <summary>Who asks to use commitment-based approval, for which project.</summary>
/// <param name="Credit">The enterprise's credit.</param>
/// <param name="Sector">The project's sector code (checked against excluded sectors), null if none declared.</param>
/// <param name="MajorProjectLevel">Major-project designation level; <see cref="ProjectLevel.None"/> if not a major project.</param>
public sealed record CommitmentApplicant(EnterpriseCredit Credit, string? Sector, ProjectLevel MajorProjectLevel);

/// <summary>Why commitment was allowed or refused.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommitmentRuling>))]
public enum CommitmentRuling
{
    NotOfferedForItem,
    ExcludedSector,
    PriorFalseCommitment,
    DishonestyRecord,
    MajorProjectExemption,
    GradeSufficient,
    GradeInsufficient,
    NotGraded,
}

/// <summary>Whether one item may be handled by commitment (告知承诺制), and why, in words an applicant can read.</summary>
public sealed record CommitmentDecision(string ItemCode, bool Allowed, CommitmentRuling Ruling, string Explanation);

/// <summary>Events that move a credit score.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CreditEvent>))]
public enum CreditEvent
{
    /// <summary>A commitment was verified as kept (承诺兑现).</summary>
    CommitmentKept,
    /// <summary>A commitment was found broken or false (承诺未兑现/虚假承诺).</summary>
    CommitmentBroken,
    /// <summary>Materials missing at tolerance acceptance were supplied on time (容缺补齐).</summary>
    ToleranceMaterialsSupplied,
    /// <summary>Materials missing at tolerance acceptance were not supplied by the deadline.</summary>
    ToleranceMaterialsNotSupplied,
}

/// <summary>A score change and its consequences.</summary>
public sealed record CreditScoreChange(CreditEvent Event, string ItemCode, int ScoreBefore, int Delta, int ScoreAfter,
    CreditGrade GradeAfter, bool MarksFalseCommitment, string Explanation);
