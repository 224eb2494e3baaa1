using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Tests.Support;
using Xunit.Abstractions;
using static Orchestrator.Orchestrations.Tests.Support.TestData;

namespace Orchestrator.Orchestrations.Tests.Plan;

public class ApprovalPlanTests(ITestOutputHelper output)
{
    private static readonly DateOnly Start = D("2026-03-02");
    private readonly ApprovalPlanner _planner = Domain.Planner();

    private ApprovalPlan Jinchang() => _planner.Plan(Domain.JinchangFactoryPhaseII(), Start);

    [Fact]
    public void Jinchang_sample_saves_about_seventy_percent_to_the_construction_permit()
    {
        var plan = Jinchang();
        output.WriteLine(PlanReport.Render(plan));

        // The case: about 95 -> 31 working days (-68%). With the default catalog's limits: 105 -> 31 (-70%).
        Assert.Equal(105, plan.Comparison.TraditionalToConstructionPermit);
        Assert.Equal(31, plan.Comparison.PlannedToConstructionPermit);
        Assert.Equal(70m, plan.Comparison.SavedPercentToConstructionPermit);
    }

    [Fact]
    public void Jinchang_sample_items_covered_by_the_four_regional_assessments_are_waived()
    {
        var waived = Jinchang().Items.Where(i => i.Mode == HandlingMode.WaivedByRegionalAssessment).Select(i => i.Code).Order();

        Assert.Equal(new[] { "S1-ENERGY", "S1-GEO-HAZARD", "S1-SOCIAL-RISK", "S1-WATER-RESOURCES" }, waived);
        Assert.Contains("Geological hazard (地质灾害危险性评估)", Jinchang().GetItem("S1-GEO-HAZARD").Reason);
    }

    [Fact]
    public void Jinchang_sample_saving_is_attributed_item_by_item_to_its_source()
    {
        var c = Jinchang().Comparison;
        SavingSource Source(string code) => Assert.Single(c.Items.Single(i => i.ItemCode == code).Parts, p => p.Source != SavingSource.PromisedLimit).Source;

        Assert.Equal(SavingSource.RegionalAssessment, Source("S1-WATER-RESOURCES"));
        Assert.Equal(SavingSource.Commitment, Source("S1-EIA"));
        Assert.Equal(SavingSource.AgencyService, Source("S1-LAND-USE-PLANNING"));
        Assert.Equal(SavingSource.AgencyService, Source("S2-ENGINEERING-PLANNING"));
        Assert.Equal(SavingSource.AgencyService, Source("S3-CONSTRUCTION-PERMIT"));
        Assert.All(c.Items, i => Assert.Equal(i.SavedWorkingDays, i.Parts.Sum(p => p.WorkingDays)));
        Assert.True(c.ItemDaysSavedBySource[SavingSource.RegionalAssessment] > 0);
    }

    [Fact]
    public void A_commitment_is_granted_at_once_and_takes_no_time()
    {
        var eia = Jinchang().GetItem("S1-EIA");

        Assert.Equal(HandlingMode.Commitment, eia.Mode);
        Assert.Equal(eia.ReadyOn, eia.DueOn);
        Assert.Contains("承诺即办结", eia.Reason);
    }

    [Fact]
    public void A_regional_assessment_waiver_comes_before_a_chosen_commitment() =>
        Assert.Contains("commitment chosen for it is not needed", Jinchang().GetItem("S1-ENERGY").Reason);

    [Fact]
    public void A_commitment_refused_by_the_credit_policy_falls_back_to_the_normal_procedure_and_says_why()
    {
        var project = Domain.JinchangFactoryPhaseII() with { Credit = new EnterpriseCredit("91330100799655058B", CreditGrade.C, false, false) };

        var eia = _planner.Plan(project, Start).GetItem("S1-EIA");

        Assert.Equal(HandlingMode.Normal, eia.Mode);
        Assert.StartsWith("环境影响评价审批 (Environmental impact assessment approval) cannot be handled by commitment: your credit grade is C", eia.Reason);
    }

    [Fact]
    public void The_plan_answers_for_each_required_item_whether_commitment_is_possible()
    {
        var plan = Jinchang();

        Assert.Equal(plan.Items.Select(i => i.Code).Order(), plan.CommitmentDecisions.Select(d => d.ItemCode).Order());
        Assert.True(plan.CommitmentDecisions.Single(d => d.ItemCode == "S1-WATER-SOIL").Allowed);
        Assert.False(plan.CommitmentDecisions.Single(d => d.ItemCode == "S3-CONSTRUCTION-PERMIT").Allowed);
    }

    [Fact]
    public void Without_land_rights_the_simulated_items_are_reviewed_as_simulated()
    {
        var plan = Jinchang();

        Assert.Equal(HandlingMode.Simulated, plan.GetItem("S2-DESIGN-SCHEME").Mode);
        Assert.Equal(HandlingMode.Simulated, plan.GetItem("S3-DRAWING-REVIEW").Mode);
        Assert.Equal(HandlingMode.Normal, plan.GetItem("S3-CONSTRUCTION-PERMIT").Mode);
        Assert.Contains(plan.Notes, n => n.Contains("within 3 working days"));
    }

    [Fact]
    public void With_land_rights_held_nothing_is_simulated_and_land_pre_review_is_not_needed()
    {
        var plan = _planner.Plan(Domain.JinchangFactoryPhaseII() with { LandRightsHeld = true }, Start);

        Assert.DoesNotContain(plan.Items, i => i.Mode == HandlingMode.Simulated);
        Assert.DoesNotContain(plan.Items, i => i.Code == "S1-LAND-PRE");
    }

    [Fact]
    public void An_item_starts_when_its_prerequisites_finish()
    {
        var plan = Domain.Planner().Plan(Domain.PlainProject(), Start);
        foreach (var item in plan.Items)
            foreach (var p in item.Prerequisites.Where(p => plan.Items.Any(i => i.Code == p)))
                Assert.True(item.ReadyOn >= plan.GetItem(p).DueOn, $"{item.Code} is ready {item.ReadyOn} before {p} ends {plan.GetItem(p).DueOn}");
        Assert.Equal(plan.GetItem("S1-GEO-HAZARD").DueOn, plan.GetItem("S1-LAND-PRE").ReadyOn);
    }

    [Fact]
    public void Stages_run_in_order_each_starting_when_the_previous_one_ends()
    {
        var stages = Jinchang().Stages;

        Assert.Equal(new[] { 1, 2, 3, 4 }, stages.Select(s => s.Number));
        Assert.Equal(Start, stages[0].Start);
        for (var i = 1; i < stages.Count; i++)
        {
            Assert.Equal(stages[i - 1].Finish, stages[i].Start);
            Assert.All(stages[i].Items, item => Assert.True(item.ReadyOn >= stages[i].Start));
        }
    }

    [Fact]
    public void The_latest_date_of_an_item_is_its_acceptance_plus_its_full_limit()
    {
        foreach (var item in Jinchang().Items.Where(i => i.Mode is not (HandlingMode.Commitment or HandlingMode.WaivedByRegionalAssessment)))
        {
            var expected = item.Limit.Unit == DayUnit.WorkingDays
                ? ShippedCalendar.AddWorkingDays(item.AcceptedOn, item.Limit.Days).Value
                : item.AcceptedOn.AddDays(item.Limit.Days);
            Assert.Equal(expected, item.DueOn);
            Assert.True(ShippedCalendar.IsWorkingDay(item.AcceptedOn), item.Code);
        }
    }

    [Fact]
    public void Without_agency_service_the_applicant_prepares_materials_before_acceptance()
    {
        var plan = _planner.Plan(Domain.PlainProject(), Start);
        var land = plan.GetItem("S1-LAND-USE-PLANNING");

        Assert.Equal(3, land.PreparationDays);
        Assert.Equal(ShippedCalendar.AddWorkingDays(land.ReadyOn, 3).Value, land.AcceptedOn);
    }

    [Fact]
    public void Tolerance_acceptance_skips_the_wait_for_materials_and_sets_their_deadline()
    {
        var project = Domain.PlainProject() with { LandRightsHeld = true, ChosenTolerance = ["S1-LAND-USE-PLANNING"] };

        var item = _planner.Plan(project, Start).GetItem("S1-LAND-USE-PLANNING");

        Assert.Equal(HandlingMode.Tolerance, item.Mode);
        Assert.Equal(0, item.PreparationDays);
        Assert.Equal(TimeLimit.WorkingDays(20), item.ToleranceMaterialsLimit);
    }

    [Fact]
    public void Tolerance_asked_for_an_item_that_does_not_allow_it_is_refused_with_the_reason()
    {
        var project = Domain.PlainProject() with { LandRightsHeld = true, ChosenTolerance = ["S1-GEO-HAZARD"] };

        var item = _planner.Plan(project, Start).GetItem("S1-GEO-HAZARD");

        Assert.Equal(HandlingMode.Normal, item.Mode);
        Assert.Contains("not allowed for this item", item.Reason);
    }

    [Theory]
    [InlineData(InvestmentNature.Government, "S1-APPROVAL")]
    [InlineData(InvestmentNature.EnterpriseRatification, "S1-RATIFICATION")]
    [InlineData(InvestmentNature.EnterpriseFiling, "S1-FILING")]
    public void The_establishment_item_follows_the_investment_nature(InvestmentNature nature, string item)
    {
        var codes = _planner.Plan(Domain.PlainProject() with { InvestmentNature = nature }, Start).Items.Select(i => i.Code).ToList();

        Assert.Contains(item, codes);
        Assert.Single(codes, c => c is "S1-APPROVAL" or "S1-RATIFICATION" or "S1-FILING");
    }

    [Fact]
    public void Small_projects_below_the_investment_threshold_need_no_construction_permit() =>
        Assert.DoesNotContain(_planner.Plan(Domain.PlainProject() with { InvestmentWan = 25m }, Start).Items, i => i.Code == "S3-CONSTRUCTION-PERMIT");

    [Fact]
    public void A_flood_impact_assessment_is_needed_only_in_a_river_management_area()
    {
        Assert.DoesNotContain(_planner.Plan(Domain.PlainProject(), Start).Items, i => i.Code == "S1-FLOOD");
        Assert.Contains(_planner.Plan(Domain.PlainProject() with { SiteConditions = ["river-management-area"] }, Start).Items, i => i.Code == "S1-FLOOD");
    }

    [Fact]
    public void A_plan_running_into_a_year_without_holiday_data_is_provisional()
    {
        var plan = _planner.Plan(Domain.PlainProject(), D("2026-11-02"));

        Assert.True(plan.IsProvisional);
        Assert.Contains(2027, plan.MissingYears);
        Assert.False(Jinchang().IsProvisional);
    }

    [Fact]
    public void An_invalid_project_code_is_refused() =>
        Assert.Throws<FormatException>(() => _planner.Plan(Domain.PlainProject() with { ProjectCode = "2613-620302-89-05-346948" }, Start));

    [Fact]
    public void An_invalid_enterprise_code_is_refused() =>
        Assert.Contains("expected", Assert.Throws<FormatException>(() => _planner.Plan(Domain.PlainProject() with { EnterpriseUscc = "91350100M000100Y44" }, Start)).Message);

    [Fact]
    public void An_imported_legacy_enterprise_code_with_a_bad_check_character_is_planned_with_a_warning()
    {
        var plan = _planner.Plan(Domain.PlainProject() with { EnterpriseUscc = "91350100M000100Y44", UsccIsLegacyRecord = true }, Start);

        Assert.Contains(plan.Notes, n => n.Contains("expected '3'"));
    }

    [Fact]
    public void An_unknown_zone_is_refused() =>
        Assert.Throws<KeyNotFoundException>(() => _planner.Plan(Domain.PlainProject() with { ZoneCode = "NOWHERE" }, Start));

    [Fact]
    public void A_chosen_item_missing_from_the_catalog_is_refused() =>
        Assert.Contains("S9-NOTHING", Assert.Throws<ArgumentException>(() => _planner.Plan(Domain.PlainProject() with { ChosenCommitments = ["S9-NOTHING"] }, Start)).Message);

    [Fact]
    public void The_plan_records_the_catalog_version_it_was_made_with() =>
        Assert.Equal(Domain.Catalog.Version, Jinchang().CatalogVersion);
}
