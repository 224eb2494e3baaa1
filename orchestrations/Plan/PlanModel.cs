using System.Text.Json.Serialization;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;

namespace Orchestrator.Orchestrations.Plan;

/// <summary>What the planner needs to know about a project (from filing and the enterprise's choices).</summary>
public sealed record ProjectProfile
{
    /// <summary>National investment project code (项目代码); parsed, both formats accepted.</summary>
    public required string ProjectCode { get; init; }
    /// <summary>Enterprise USCC (统一社会信用代码).</summary>
    public required string EnterpriseUscc { get; init; }
    /// <summary>Validate the USCC as an imported legacy record (a wrong check character is only a warning).</summary>
    public bool UsccIsLegacyRecord { get; init; }
    public required EnterpriseCredit Credit { get; init; }
    /// <summary>How the project is established (审批 / 核准 / 备案).</summary>
    public required InvestmentNature InvestmentNature { get; init; }
    /// <summary>Total investment in 万元 (10,000 yuan).</summary>
    public required decimal InvestmentWan { get; init; }
    /// <summary>Major-project designation level (重大项目), None if not major.</summary>
    public ProjectLevel MajorProjectLevel { get; init; } = ProjectLevel.None;
    /// <summary>Sector code, checked against the sectors excluded from commitment.</summary>
    public string? Sector { get; init; }
    /// <summary>Location zone code; its regional assessments waive items.</summary>
    public required string ZoneCode { get; init; }
    /// <summary>Land rights already held (land contract or allocation decision signed); if not, simulated approval applies.</summary>
    public bool LandRightsHeld { get; init; }
    /// <summary>Site conditions that make conditional items required, e.g. <c>river-management-area</c>.</summary>
    public IReadOnlyList<string> SiteConditions { get; init; } = [];
    /// <summary>Item codes the enterprise chose to handle by commitment (告知承诺).</summary>
    public IReadOnlyList<string> ChosenCommitments { get; init; } = [];
    /// <summary>Item codes the enterprise asked to be accepted with materials missing (容缺受理).</summary>
    public IReadOnlyList<string> ChosenTolerance { get; init; } = [];
    /// <summary>An agent shepherds the project (帮办代办): materials are prepared in advance.</summary>
    public bool AgencyService { get; init; }
}

/// <summary>How an item is handled in the plan.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HandlingMode>))]
public enum HandlingMode
{
    /// <summary>Normal procedure within the promised limit.</summary>
    Normal,
    /// <summary>告知承诺: granted at once on the enterprise's commitment, verified later.</summary>
    Commitment,
    /// <summary>容缺受理: accepted with non-key materials missing, supplied by a deadline.</summary>
    Tolerance,
    /// <summary>模拟审批: reviewed before land rights exist; the opinion is simulated until converted.</summary>
    Simulated,
    /// <summary>区域评估: covered by the zone's regional assessment; no application.</summary>
    WaivedByRegionalAssessment,
}

/// <summary>One item of the approval map.</summary>
/// <param name="ReadyOn">Day the prerequisites and the previous stage are done.</param>
/// <param name="AcceptedOn">Earliest acceptance day (after material preparation); the clock counts from the next day.</param>
/// <param name="DueOn">Latest finish if the item uses its full limit.</param>
/// <param name="PlannedWorkingDays">Working days from <paramref name="ReadyOn"/> to <paramref name="DueOn"/> (preparation included).</param>
public sealed record PlannedItem(
    string Code, string NameZh, string NameEn, int Stage,
    string DepartmentCode, string DepartmentNameZh, string DepartmentNameEn,
    HandlingMode Mode, bool ToleranceAccepted, string Reason,
    TimeLimit Limit, TimeLimit? ToleranceMaterialsLimit, int PreparationDays,
    DateOnly ReadyOn, DateOnly AcceptedOn, DateOnly DueOn, int PlannedWorkingDays,
    IReadOnlyList<string> Prerequisites, bool JointAcceptance);

/// <summary>One stage of the approval map; items run in parallel (并联审批) subject to prerequisites.</summary>
public sealed record PlannedStage(int Number, string NameZh, string NameEn, DateOnly Start, DateOnly Finish, int WorkingDays, IReadOnlyList<PlannedItem> Items);

/// <summary>Where an item's saving comes from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SavingSource>))]
public enum SavingSource { RegionalAssessment, Commitment, AgencyService, ToleranceAcceptance, PromisedLimit }

/// <summary>A part of an item's saving, in working days.</summary>
public sealed record SavingPart(SavingSource Source, int WorkingDays, string Explanation);

/// <summary>An item's time in the traditional plan versus this plan.</summary>
public sealed record ItemSaving(string ItemCode, string NameZh, string NameEn, int Stage, int TraditionalWorkingDays, int PlannedWorkingDays, IReadOnlyList<SavingPart> Parts)
{
    public int SavedWorkingDays => TraditionalWorkingDays - PlannedWorkingDays;
}

/// <summary>A stage's duration in the traditional plan versus this plan.</summary>
public sealed record StageComparison(int Stage, int TraditionalWorkingDays, int PlannedWorkingDays);

/// <summary>
/// This plan versus the traditional one (every item by the normal procedure, legal limits, materials prepared by
/// the applicant, no regional assessments, commitments or agency service). Item savings add up item time;
/// the stage and total figures are elapsed time, which is what the applicant feels.
/// </summary>
public sealed record PlanComparison(
    int TraditionalWorkingDays, int PlannedWorkingDays,
    int TraditionalToConstructionPermit, int PlannedToConstructionPermit,
    IReadOnlyList<StageComparison> Stages,
    IReadOnlyList<ItemSaving> Items)
{
    public int SavedWorkingDays => TraditionalWorkingDays - PlannedWorkingDays;
    public decimal SavedPercent => TraditionalWorkingDays == 0 ? 0 : Math.Round(100m * SavedWorkingDays / TraditionalWorkingDays, 0);
    public int SavedToConstructionPermit => TraditionalToConstructionPermit - PlannedToConstructionPermit;
    public decimal SavedPercentToConstructionPermit => TraditionalToConstructionPermit == 0 ? 0 : Math.Round(100m * SavedToConstructionPermit / TraditionalToConstructionPermit, 0);

    /// <summary>Item working days saved, summed per source.</summary>
    public IReadOnlyDictionary<SavingSource, int> ItemDaysSavedBySource =>
        Items.SelectMany(i => i.Parts).GroupBy(p => p.Source).ToDictionary(g => g.Key, g => g.Sum(p => p.WorkingDays));
}

/// <summary>The approval map (一张图) of a project: every procedure of every stage with department, mode, limit and dates.</summary>
/// <param name="StartDate">Day the plan starts (filing / first acceptance); not counted.</param>
/// <param name="WorkingDays">Approval working days over all stages (construction time excluded).</param>
/// <param name="MissingYears">Years touched with no holiday data: dates are provisional.</param>
public sealed record ApprovalPlan(
    string ProjectCode, string EnterpriseUscc, string CatalogVersion, string ZoneCode,
    DateOnly StartDate, DateOnly Finish, int WorkingDays,
    IReadOnlyList<PlannedStage> Stages,
    IReadOnlyList<CommitmentDecision> CommitmentDecisions,
    PlanComparison Comparison,
    IReadOnlyList<string> Notes,
    IReadOnlyList<int> MissingYears)
{
    public bool IsProvisional => MissingYears.Count > 0;

    public IEnumerable<PlannedItem> Items => Stages.SelectMany(s => s.Items);

    public PlannedItem GetItem(string code) => Items.FirstOrDefault(i => i.Code == code)
        ?? throw new KeyNotFoundException($"Item '{code}' is not in the plan of {ProjectCode}.");
}

/// <summary>Planner settings, bound from configuration section <c>Domain:Planner</c>.</summary>
public sealed class PlannerOptions
{
    /// <summary>The stage that ends with the construction permit (for the "to construction permit" comparison).</summary>
    public int ConstructionPermitStage { get; set; } = 3;
    /// <summary>Working days to turn simulated opinions into formal approvals after the land contract (文件转换).</summary>
    public int SimulatedConversionWorkingDays { get; set; } = 3;
    /// <summary>Validity of simulated opinions, in years.</summary>
    public int SimulatedValidityYears { get; set; } = 1;
}
