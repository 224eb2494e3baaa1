namespace Orchestrator.Api.Http.Projects;

/// <summary>Body of POST /api/projects: a project filed by the online platform. Who files comes from the API key.</summary>
public sealed record FileProjectBody
{
    /// <summary>National investment project code (项目代码), e.g. 2603-141124-89-05-346948.</summary>
    public string? ProjectCode { get; init; }
    /// <summary>项目名称.</summary>
    public string? ProjectName { get; init; }
    /// <summary>Enterprise unified social credit code (统一社会信用代码), 18 characters.</summary>
    public string? Uscc { get; init; }
    /// <summary>企业名称.</summary>
    public string? EnterpriseName { get; init; }
    /// <summary>Government, EnterpriseRatification or EnterpriseFiling.</summary>
    public string? InvestmentNature { get; init; }
    /// <summary>Total investment in 万元 (greater than 0).</summary>
    public decimal? TotalInvestmentWan { get; init; }
    /// <summary>None (default), County, City, Province or National.</summary>
    public string? MajorProjectLevel { get; init; }
    /// <summary>Sector code, checked against the sectors excluded from commitment-based approval.</summary>
    public string? Sector { get; init; }
    /// <summary>Zone of the site (regional assessments), e.g. JINCHANG-EDZ; absent: outside any zone.</summary>
    public string? ZoneCode { get; init; }
    /// <summary>Site conditions, e.g. river-management-area.</summary>
    public List<string>? SiteConditions { get; init; }
    /// <summary>The land contract or allocation decision is already signed (default false).</summary>
    public bool? LandRightsHeld { get; init; }
    /// <summary>Entry conditions of simulated approval, when land rights are not held.</summary>
    public SimulatedApprovalBody? SimulatedApproval { get; init; }
    /// <summary>Items the enterprise chooses to handle by commitment (告知承诺), if its credit allows.</summary>
    public List<string>? ChosenCommitments { get; init; }
    /// <summary>Items to accept with materials missing (容缺受理).</summary>
    public List<ToleranceBody>? Tolerance { get; init; }
}

/// <summary>Entry conditions of simulated approval (模拟审批准入条件); all four must be true.</summary>
public sealed record SimulatedApprovalBody
{
    public bool? FitsCityAndLandUsePlan { get; init; }
    public bool? NoBasicFarmland { get; init; }
    public bool? CultivatedLandUnderHalf { get; init; }
    public bool? ApplicantConstituted { get; init; }
}

/// <summary>An item to accept with materials missing, and which.</summary>
public sealed record ToleranceBody
{
    public string? ItemCode { get; init; }
    public List<string>? MissingMaterials { get; init; }
}

/// <summary>Body of POST /api/projects/{projectCode}/items/{itemCode}/materials.</summary>
public sealed record MaterialsBody
{
    /// <summary>The materials supplied (names as in the missing list), at least one.</summary>
    public List<string>? Materials { get; init; }
    /// <summary>Free text shown in the history.</summary>
    public string? Note { get; init; }
}

/// <summary>Body of POST /api/projects/{projectCode}/events/land-rights-obtained.</summary>
public sealed record LandRightsObtainedBody
{
    /// <summary>Date the land contract or allocation decision was signed (yyyy-MM-dd).</summary>
    public DateOnly? ContractDate { get; init; }
    /// <summary>Number of the contract or decision.</summary>
    public string? ContractNumber { get; init; }
}

/// <summary>Body of POST /api/projects/{projectCode}/events/material-change.</summary>
public sealed record MaterialChangeBody
{
    /// <summary>The re-approval reason, e.g. ScaleChanged.</summary>
    public string? Reason { get; init; }
    /// <summary>Items that go back through approval.</summary>
    public List<string>? AffectedItems { get; init; }
    /// <summary>What changed, in words.</summary>
    public string? Description { get; init; }
}

/// <summary>Body of POST /api/projects/{projectCode}/events/construction-finished (may be empty).</summary>
public sealed record ConstructionFinishedBody
{
    /// <summary>Date the works finished (yyyy-MM-dd); default: today in China.</summary>
    public DateOnly? FinishedOn { get; init; }
}

/// <summary>Answer of POST /api/projects: 201 when the project was filed now, 200 when it was filed before (nothing started).</summary>
/// <param name="ProjectCode">The project.</param>
/// <param name="InstanceId">Its orchestration instance.</param>
/// <param name="Outcome">Created or Existing.</param>
/// <param name="Warnings">Accepted with warnings (e.g. a legacy USCC whose check character fails).</param>
/// <param name="ProjectUri">GET it here.</param>
/// <param name="PlanUri">Its approval map (一张图).</param>
public sealed record FilingAnswer(string ProjectCode, string? InstanceId, Orchestrator.Orchestrations.Lifecycle.FileProjectOutcome Outcome,
    IReadOnlyList<string> Warnings, string ProjectUri, string PlanUri);
