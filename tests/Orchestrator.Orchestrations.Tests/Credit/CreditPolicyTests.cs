using Microsoft.Extensions.Configuration;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Tests.Support;

namespace Orchestrator.Orchestrations.Tests.Credit;

public class CreditPolicyTests
{
    private const string Uscc = "91330100799655058B";
    private readonly CreditPolicy _policy = new();
    private static CatalogItem Energy => Domain.Catalog.GetItem("S1-ENERGY");

    private static CommitmentApplicant Applicant(CreditGrade? grade, bool dishonest = false, bool falseCommitment = false,
        ProjectLevel major = ProjectLevel.None, string? sector = "manufacturing") =>
        new(new EnterpriseCredit(Uscc, grade, dishonest, falseCommitment), sector, major);

    [Theory]
    [InlineData(CreditGrade.A)]
    [InlineData(CreditGrade.B)]
    public void Grade_B_or_better_without_dishonesty_may_use_commitment(CreditGrade grade)
    {
        var d = _policy.Evaluate(Energy, Applicant(grade));
        Assert.True(d.Allowed);
        Assert.Equal(CommitmentRuling.GradeSufficient, d.Ruling);
        Assert.Contains($"your credit grade is {grade}", d.Explanation);
    }

    [Theory]
    [InlineData(CreditGrade.C)]
    [InlineData(CreditGrade.E)]
    public void Grade_C_or_worse_may_not_use_commitment(CreditGrade grade)
    {
        var d = _policy.Evaluate(Energy, Applicant(grade));
        Assert.False(d.Allowed);
        Assert.Equal($"节能审查 (Energy-saving review) cannot be handled by commitment: your credit grade is {grade}; grade B or better is required.", d.Explanation);
    }

    [Fact]
    public void A_dishonesty_record_bars_commitment_whatever_the_grade()
    {
        var d = _policy.Evaluate(Energy, Applicant(CreditGrade.A, dishonest: true));
        Assert.False(d.Allowed);
        Assert.Equal(CommitmentRuling.DishonestyRecord, d.Ruling);
        Assert.Contains("once your credit has been repaired", d.Explanation);
    }

    [Fact]
    public void A_prior_false_commitment_bars_commitment_until_credit_is_repaired()
    {
        var d = _policy.Evaluate(Energy, Applicant(CreditGrade.A, falseCommitment: true));
        Assert.False(d.Allowed);
        Assert.Equal(CommitmentRuling.PriorFalseCommitment, d.Ruling);
    }

    [Theory]
    [InlineData(ProjectLevel.City)]
    [InlineData(ProjectLevel.Province)]
    [InlineData(ProjectLevel.National)]
    public void Major_projects_at_city_level_or_above_skip_the_grade_check(ProjectLevel level)
    {
        var d = _policy.Evaluate(Energy, Applicant(CreditGrade.D, major: level));
        Assert.True(d.Allowed);
        Assert.Equal(CommitmentRuling.MajorProjectExemption, d.Ruling);
    }

    [Fact]
    public void A_county_level_major_project_still_needs_the_grade() =>
        Assert.False(_policy.Evaluate(Energy, Applicant(CreditGrade.D, major: ProjectLevel.County)).Allowed);

    [Fact]
    public void The_major_project_exemption_does_not_lift_a_dishonesty_record() =>
        Assert.False(_policy.Evaluate(Energy, Applicant(CreditGrade.A, dishonest: true, major: ProjectLevel.National)).Allowed);

    [Theory]
    [InlineData("restricted")]
    [InlineData("high-pollution")]
    [InlineData("excess-capacity")]
    public void Excluded_sectors_never_use_commitment_even_as_major_projects(string sector)
    {
        var d = _policy.Evaluate(Energy, Applicant(CreditGrade.A, major: ProjectLevel.National, sector: sector));
        Assert.False(d.Allowed);
        Assert.Equal(CommitmentRuling.ExcludedSector, d.Ruling);
    }

    [Fact]
    public void An_item_the_catalog_does_not_offer_by_commitment_is_refused_for_everyone() =>
        Assert.Equal(CommitmentRuling.NotOfferedForItem, _policy.Evaluate(Domain.Catalog.GetItem("S3-CONSTRUCTION-PERMIT"), Applicant(CreditGrade.A)).Ruling);

    [Fact]
    public void An_ungraded_enterprise_may_not_use_commitment_unless_configured()
    {
        Assert.False(_policy.Evaluate(Energy, Applicant(null)).Allowed);
        Assert.True(new CreditPolicy(new CreditPolicyOptions { AllowUngraded = true }).Evaluate(Energy, Applicant(null)).Allowed);
    }

    [Fact]
    public void The_minimum_grade_is_configurable() =>
        Assert.False(new CreditPolicy(new CreditPolicyOptions { MinimumGrade = CreditGrade.A }).Evaluate(Energy, Applicant(CreditGrade.B)).Allowed);

    [Fact]
    public void Thresholds_bind_from_configuration_and_replace_the_default_sector_list()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Credit:MinimumGrade"] = "C",
            ["Credit:MajorProjectExemptionLevel"] = "Province",
            ["Credit:ExcludedSectors:0"] = "mining",
            ["Credit:Scoring:CommitmentBroken"] = "-30",
        }).Build();
        var options = config.GetSection("Credit").Get<CreditPolicyOptions>()!;

        Assert.Equal(CreditGrade.C, options.MinimumGrade);
        Assert.Equal(ProjectLevel.Province, options.MajorProjectExemptionLevel);
        Assert.Equal(new[] { "mining" }, options.EffectiveExcludedSectors);
        Assert.Equal(-30, options.Scoring.CommitmentBroken);
        Assert.Equal(2, options.Scoring.CommitmentKept);
    }

    [Fact]
    public void A_kept_commitment_raises_the_score()
    {
        var change = _policy.Apply(90, CreditEvent.CommitmentKept, "S1-EIA");
        Assert.Equal(92, change.ScoreAfter);
        Assert.False(change.MarksFalseCommitment);
    }

    [Fact]
    public void A_broken_commitment_lowers_the_score_and_bars_further_commitments()
    {
        var change = _policy.Apply(100, CreditEvent.CommitmentBroken, "S1-EIA");
        Assert.Equal(80, change.ScoreAfter);
        Assert.Equal(CreditGrade.C, change.GradeAfter);
        Assert.True(change.MarksFalseCommitment);
        Assert.Contains("may not use commitment-based approval", change.Explanation);
    }

    [Fact]
    public void Unsupplied_tolerance_materials_lower_the_score() =>
        Assert.Equal(-5, _policy.Apply(100, CreditEvent.ToleranceMaterialsNotSupplied, "S1-LAND-PRE").Delta);

    [Fact]
    public void The_score_stays_within_the_configured_range()
    {
        Assert.Equal(120, _policy.Apply(119, CreditEvent.CommitmentKept, "X").ScoreAfter);
        Assert.Equal(0, _policy.Apply(10, CreditEvent.CommitmentBroken, "X").ScoreAfter);
    }

    [Theory]
    [InlineData(100, CreditGrade.A)]
    [InlineData(85, CreditGrade.B)]
    [InlineData(84, CreditGrade.C)]
    [InlineData(60, CreditGrade.D)]
    [InlineData(59, CreditGrade.E)]
    public void The_grade_follows_the_configured_score_bands(int score, CreditGrade grade) =>
        Assert.Equal(grade, _policy.GradeForScore(score));
}
