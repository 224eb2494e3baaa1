using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Credit;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Entry conditions of simulated approval (模拟审批准入条件, Jiayuguan seed): all must hold.</summary>
/// <param name="FitsCityAndLandUsePlan">符合城市总体规划和土地利用总体规划.</param>
/// <param name="NoBasicFarmland">不占用基本农田.</param>
/// <param name="CultivatedLandUnderHalf">耕地占比低于50%.</param>
/// <param name="ApplicantConstituted">申请人依法设立或名称已预先核准.</param>
public sealed record SimulatedApprovalEntry(bool FitsCityAndLandUsePlan, bool NoBasicFarmland, bool CultivatedLandUnderHalf, bool ApplicantConstituted)
{
    public bool IsMet => FitsCityAndLandUsePlan && NoBasicFarmland && CultivatedLandUnderHalf && ApplicantConstituted;
}

/// <summary>An item the applicant asks to have accepted with materials missing (容缺受理).</summary>
public sealed record ToleranceRequest(string ItemCode, IReadOnlyList<string> MissingMaterials);

/// <summary>
/// Filing a project (项目备案/赋码后申报) from the online platform. Validated by <see cref="IProjectCommands.FileProjectAsync"/>
/// (project code and USCC by the domain identifiers); errors name the field.
/// </summary>
/// <param name="ProjectCode">National investment project code (项目代码).</param>
/// <param name="ProjectName">项目名称.</param>
/// <param name="Uscc">Enterprise unified social credit code (统一社会信用代码).</param>
/// <param name="EnterpriseName">企业名称.</param>
/// <param name="InvestmentNature">How the project is established.</param>
/// <param name="TotalInvestmentWan">Total investment in 万元.</param>
/// <param name="MajorProjectLevel">Major-project designation (重大项目), None if not.</param>
/// <param name="Sector">Sector code (checked against excluded sectors), if declared.</param>
/// <param name="ZoneCode">Zone of the site (regional assessments), e.g. JINCHANG-EDZ; null: outside any zone.</param>
/// <param name="SiteConditions">Site conditions, e.g. river-management-area.</param>
/// <param name="LandRightsHeld">The land contract or allocation decision is already signed.</param>
/// <param name="SimulatedApproval">Entry conditions of simulated approval, when land rights are not held.</param>
/// <param name="ChosenCommitments">Items the enterprise chooses to handle by commitment (告知承诺), if credit allows.</param>
/// <param name="Tolerance">Items to accept with missing materials (容缺受理).</param>
/// <param name="Actor">Who files (platform role).</param>
public sealed record FileProjectRequest(
    string ProjectCode,
    string ProjectName,
    string Uscc,
    string EnterpriseName,
    InvestmentNature InvestmentNature,
    decimal TotalInvestmentWan,
    ProjectLevel MajorProjectLevel,
    string? Sector,
    string? ZoneCode,
    IReadOnlyList<string>? SiteConditions,
    bool LandRightsHeld,
    SimulatedApprovalEntry? SimulatedApproval,
    IReadOnlyList<string>? ChosenCommitments,
    IReadOnlyList<ToleranceRequest>? Tolerance,
    Actor Actor);
