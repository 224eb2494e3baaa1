using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Tests.Support;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Catalog;

/// <summary>The default catalog and zones carry the facts of the national reform.</summary>
public class ShippedCatalogTests
{
    private readonly ApprovalCatalog _catalog = Domain.Catalog;

    [Fact]
    public void The_default_catalog_has_the_four_national_stages_in_order() =>
        Assert.Equal(new[] { "立项用地规划许可", "工程建设许可", "施工许可", "竣工验收" }, _catalog.Stages.Select(s => s.NameZh));

    [Theory]
    [InlineData("DRC")] [InlineData("NRB")] [InlineData("PLN")] [InlineData("HCD")] [InlineData("EEB")]
    [InlineData("FIRE")] [InlineData("CAD")] [InlineData("WRB")] [InlineData("MET")] [InlineData("ARC")]
    public void Every_named_department_handles_at_least_one_item(string department) =>
        Assert.Contains(_catalog.Items, i => i.Department == department);

    [Fact]
    public void Fire_design_review_has_a_legal_limit_of_15_working_days() =>
        Assert.Equal(TimeLimit.WorkingDays(15), _catalog.GetItem("S3-FIRE-DESIGN").LegalLimit);

    [Fact]
    public void Joint_acceptance_items_are_completion_stage_items_with_limits_of_at_most_10_working_days()
    {
        var joint = _catalog.Items.Where(i => i.JointAcceptance).ToList();
        Assert.Equal(8, joint.Count);
        Assert.All(joint, i => Assert.Equal(4, i.Stage));
        Assert.All(joint, i => Assert.True(i.PromisedLimit.Days <= 10, i.Code));
    }

    [Fact]
    public void The_energy_and_environment_reviews_may_be_handled_by_commitment()
    {
        Assert.True(_catalog.GetItem("S1-ENERGY").CommitmentAllowed);
        Assert.True(_catalog.GetItem("S1-EIA").CommitmentAllowed);
        Assert.False(_catalog.GetItem("S3-CONSTRUCTION-PERMIT").CommitmentAllowed);
    }

    [Fact]
    public void The_construction_permit_is_never_simulated() =>
        Assert.False(_catalog.GetItem("S3-CONSTRUCTION-PERMIT").SimulatedApproval);

    [Fact]
    public void The_Jinchang_zone_has_the_four_regional_assessments() =>
        Assert.Equal(new[] { "energy", "water-resources", "social-stability", "geological-hazard" }, Domain.Zones.Get("JINCHANG-EDZ").RegionalAssessments);

    [Fact]
    public void A_zone_with_an_unknown_assessment_kind_is_rejected_naming_the_zone()
    {
        var ex = Assert.Throws<DomainDataException>(() => ZoneLoader.Load(Stream("""
            { "zones": [ { "code": "P1", "nameZh": "园区", "nameEn": "Park", "regionalAssessments": ["energy", "noise"] } ] }
            """), "zones.json", _catalog));
        Assert.Equal("zones.json", ex.File);
        Assert.Equal("zones[0] (P1)", ex.Location);
        Assert.Contains("unknown regional assessment kind 'noise'", ex.Problem);
    }

    [Fact]
    public void A_zone_code_used_twice_is_rejected() =>
        Assert.Contains("used twice", Assert.Throws<DomainDataException>(() => ZoneLoader.Load(Stream("""
            { "zones": [ { "code": "P1", "nameZh": "a", "nameEn": "a" }, { "code": "P1", "nameZh": "b", "nameEn": "b" } ] }
            """), "zones.json", _catalog)).Problem);

    [Fact]
    public void A_zone_without_names_is_rejected() =>
        Assert.Contains("nameZh", Assert.Throws<DomainDataException>(() => ZoneLoader.Load(Stream("""{ "zones": [ { "code": "P1" } ] }"""), "zones.json", _catalog)).Problem);
}
