using Orchestrator.Orchestrations.Catalog;

namespace Orchestrator.Orchestrations.Credit;

/// <summary>
/// Decides whether an item may be handled by commitment (告知承诺制) and how credit events move the score.
/// Rules, in order (each is configurable through <see cref="CreditPolicyOptions"/>):
/// <list type="number">
/// <item>The catalog must offer commitment for the item.</item>
/// <item>Projects in excluded sectors never may (prohibited, restricted, national security, high energy or pollution, obsolete or excess capacity).</item>
/// <item>A prior false commitment bars commitment until credit is repaired (国办发〔2020〕42号).</item>
/// <item>A dishonesty record bars commitment; the major-project exemption does not lift this.</item>
/// <item>Major projects at city level or above skip the grade check.</item>
/// <item>Otherwise grade B or better may; grade C or worse, or no grade, may not.</item>
/// </list>
/// </summary>
public sealed class CreditPolicy(CreditPolicyOptions options)
{
    public CreditPolicy() : this(new CreditPolicyOptions()) { }

    public CreditPolicyOptions Options { get; } = options;

    /// <summary>May this item be handled by commitment for this applicant?</summary>
    public CommitmentDecision Evaluate(CatalogItem item, CommitmentApplicant applicant)
    {
        var code = item.Code;
        var name = $"{item.NameZh} ({item.NameEn})";
        if (!item.CommitmentAllowed)
            return new(code, false, CommitmentRuling.NotOfferedForItem,
                $"{name} cannot be handled by commitment: the item catalog does not offer it for this item, so it follows the normal procedure.");
        if (applicant.Sector is { } sector && Options.EffectiveExcludedSectors.Contains(sector, StringComparer.OrdinalIgnoreCase))
            return new(code, false, CommitmentRuling.ExcludedSector,
                $"{name} cannot be handled by commitment: projects in the '{sector}' sector are excluded from commitment-based approval.");
        var credit = applicant.Credit;
        if (credit.HasPriorFalseCommitment)
            return new(code, false, CommitmentRuling.PriorFalseCommitment,
                $"{name} cannot be handled by commitment: your enterprise made a false commitment before. Commitment becomes available again once your credit has been repaired.");
        if (credit.HasDishonestyRecord)
            return new(code, false, CommitmentRuling.DishonestyRecord,
                $"{name} cannot be handled by commitment: your enterprise has a dishonesty (bad credit) record. Commitment becomes available again once your credit has been repaired.");
        if (applicant.MajorProjectLevel != ProjectLevel.None && applicant.MajorProjectLevel >= Options.MajorProjectExemptionLevel)
            return new(code, true, CommitmentRuling.MajorProjectExemption,
                $"{name} may be handled by commitment: the project is a {Describe(applicant.MajorProjectLevel)}-level major project, so no credit grade check is needed.");
        if (credit.Grade is not { } grade)
            return Options.AllowUngraded
                ? new(code, true, CommitmentRuling.NotGraded, $"{name} may be handled by commitment: enterprises without a credit grade are admitted here.")
                : new(code, false, CommitmentRuling.NotGraded,
                    $"{name} cannot be handled by commitment: your enterprise has no credit grade yet; grade {Options.MinimumGrade} or better is required.");
        return grade <= Options.MinimumGrade
            ? new(code, true, CommitmentRuling.GradeSufficient,
                $"{name} may be handled by commitment: your credit grade is {grade} (grade {Options.MinimumGrade} or better is required) and you have no dishonesty record.")
            : new(code, false, CommitmentRuling.GradeInsufficient,
                $"{name} cannot be handled by commitment: your credit grade is {grade}; grade {Options.MinimumGrade} or better is required.");
    }

    /// <summary>The decision for each item given.</summary>
    public IReadOnlyList<CommitmentDecision> EvaluateAll(IEnumerable<CatalogItem> items, CommitmentApplicant applicant) =>
        items.Select(i => Evaluate(i, applicant)).ToList();

    /// <summary>Grade for a score, by the configured bands.</summary>
    public CreditGrade GradeForScore(int score)
    {
        var s = Options.Scoring;
        return score >= s.GradeAFrom ? CreditGrade.A
            : score >= s.GradeBFrom ? CreditGrade.B
            : score >= s.GradeCFrom ? CreditGrade.C
            : score >= s.GradeDFrom ? CreditGrade.D
            : CreditGrade.E;
    }

    /// <summary>Applies a credit event to a score (信用积分变动), clamped to the configured range.</summary>
    public CreditScoreChange Apply(int score, CreditEvent ev, string itemCode)
    {
        var s = Options.Scoring;
        var delta = ev switch
        {
            CreditEvent.CommitmentKept => s.CommitmentKept,
            CreditEvent.CommitmentBroken => s.CommitmentBroken,
            CreditEvent.ToleranceMaterialsSupplied => s.ToleranceMaterialsSupplied,
            CreditEvent.ToleranceMaterialsNotSupplied => s.ToleranceMaterialsNotSupplied,
            _ => throw new ArgumentOutOfRangeException(nameof(ev)),
        };
        var after = Math.Clamp(score + delta, s.MinimumScore, s.MaximumScore);
        var marks = ev == CreditEvent.CommitmentBroken && s.BrokenCommitmentMarksFalseCommitment;
        var what = ev switch
        {
            CreditEvent.CommitmentKept => "the commitment was verified as kept",
            CreditEvent.CommitmentBroken => "the commitment was found not kept",
            CreditEvent.ToleranceMaterialsSupplied => "the missing materials were supplied on time",
            _ => "the missing materials were not supplied by the deadline",
        };
        var text = $"Item {itemCode}: {what}; credit score {score} {(delta >= 0 ? "+" : "")}{delta} = {after} (grade {GradeForScore(after)})."
                   + (marks ? " The enterprise may not use commitment-based approval until its credit is repaired." : "");
        return new CreditScoreChange(ev, itemCode, score, after - score, after, GradeForScore(after), marks, text);
    }

    private static string Describe(ProjectLevel level) => level switch
    {
        ProjectLevel.National => "national",
        ProjectLevel.Province => "provincial",
        ProjectLevel.City => "city",
        ProjectLevel.County => "county",
        _ => "non",
    };
}
