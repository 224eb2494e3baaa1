using System.Text.Json.Serialization;
using Orchestrator.Orchestrations.Clocks;

namespace Orchestrator.Orchestrations.Catalog;

/// <summary>An approval stage (审批阶段) of the national reform (国办发〔2019〕11号), numbered in order.</summary>
public sealed record Stage(int Number, string Code, string NameZh, string NameEn);

/// <summary>An approval department (审批部门).</summary>
public sealed record Department(string Code, string NameZh, string NameEn);

/// <summary>A kind of regional assessment (区域评估), e.g. energy, water resources, geological hazard.</summary>
public sealed record RegionalAssessmentKind(string Code, string NameZh, string NameEn);

/// <summary>How the project is established (立项方式).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvestmentNature>))]
public enum InvestmentNature
{
    /// <summary>政府投资项目, approved (审批).</summary>
    Government,
    /// <summary>企业投资项目, ratified (核准).</summary>
    EnterpriseRatification,
    /// <summary>企业投资项目, filed (备案).</summary>
    EnterpriseFiling,
}

/// <summary>Which projects need an item. Every condition given must hold; an empty rule applies to all projects.</summary>
/// <param name="InvestmentNatures">Only projects established this way (null: any).</param>
/// <param name="MinInvestmentWan">Only projects with at least this total investment, in 万元 (null: any).</param>
/// <param name="LandRightsHeld">Only projects that already hold (true) or do not yet hold (false) land rights (null: any).</param>
/// <param name="SiteConditions">Only projects whose site has one of these conditions, e.g. <c>river-management-area</c> (null: any).</param>
public sealed record ItemApplicability(
    IReadOnlyList<InvestmentNature>? InvestmentNatures = null,
    decimal? MinInvestmentWan = null,
    bool? LandRightsHeld = null,
    IReadOnlyList<string>? SiteConditions = null)
{
    public static ItemApplicability Always { get; } = new();
}

/// <summary>
/// One approval item (审批事项) of the catalog (事项清单).
/// </summary>
/// <param name="Code">Stable item code, e.g. <c>S1-ENERGY</c>.</param>
/// <param name="NameZh">Chinese name, e.g. 节能审查.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Stage">Stage number.</param>
/// <param name="Department">Department code.</param>
/// <param name="LegalLimit">法定时限: the limit set by law.</param>
/// <param name="PromisedLimit">承诺时限: the shorter limit the locality promises.</param>
/// <param name="CommitmentAllowed">May be handled by commitment (告知承诺制, 承诺即办结).</param>
/// <param name="ToleranceAllowed">May be accepted with non-key materials missing (容缺受理).</param>
/// <param name="ToleranceMaterialsLimit">Deadline to supply the missing materials, when tolerance is allowed.</param>
/// <param name="WaivedByRegionalAssessments">Regional assessment kinds whose presence in the zone waives the item (区域评估).</param>
/// <param name="Prerequisites">Items that must finish first (前置事项).</param>
/// <param name="SimulatedApproval">Takes part in simulated approval before land rights exist (模拟审批).</param>
/// <param name="JointAcceptance">Belongs to joint completion acceptance (联合验收).</param>
/// <param name="PreparationDays">Typical working days the applicant needs to prepare and correct materials before acceptance (Art. 32; not on the decision clock); removed by agency service (帮办代办) or tolerance acceptance.</param>
/// <param name="AppliesTo">Which projects need the item.</param>
/// <param name="LegalBasis">The law or rule behind the item, for display.</param>
public sealed record CatalogItem(
    string Code,
    string NameZh,
    string NameEn,
    int Stage,
    string Department,
    TimeLimit LegalLimit,
    TimeLimit PromisedLimit,
    bool CommitmentAllowed,
    bool ToleranceAllowed,
    TimeLimit? ToleranceMaterialsLimit,
    IReadOnlyList<string> WaivedByRegionalAssessments,
    IReadOnlyList<string> Prerequisites,
    bool SimulatedApproval,
    bool JointAcceptance,
    int PreparationDays,
    ItemApplicability AppliesTo,
    string? LegalBasis);

/// <summary>
/// The versioned item catalog: stages, departments, regional assessment kinds and items, validated at load
/// (see <see cref="CatalogLoader"/>). Immutable.
/// </summary>
public sealed class ApprovalCatalog
{
    private readonly Dictionary<string, CatalogItem> _items;
    private readonly Dictionary<string, Department> _departments;

    internal ApprovalCatalog(string version, DateOnly? effectiveFrom, IReadOnlyList<Stage> stages, IReadOnlyList<Department> departments,
        IReadOnlyList<RegionalAssessmentKind> assessmentKinds, IReadOnlyList<CatalogItem> items)
    {
        Version = version;
        EffectiveFrom = effectiveFrom;
        Stages = stages;
        Departments = departments;
        RegionalAssessmentKinds = assessmentKinds;
        Items = items;
        _items = items.ToDictionary(i => i.Code, StringComparer.Ordinal);
        _departments = departments.ToDictionary(d => d.Code, StringComparer.Ordinal);
    }

    /// <summary>Catalog version (e.g. "2026.1"); plans record the version they were made with.</summary>
    public string Version { get; }
    public DateOnly? EffectiveFrom { get; }
    /// <summary>Stages in order.</summary>
    public IReadOnlyList<Stage> Stages { get; }
    public IReadOnlyList<Department> Departments { get; }
    public IReadOnlyList<RegionalAssessmentKind> RegionalAssessmentKinds { get; }
    /// <summary>Items in a dependency-respecting order (prerequisites first), stable within a stage.</summary>
    public IReadOnlyList<CatalogItem> Items { get; }

    public CatalogItem GetItem(string code) =>
        _items.TryGetValue(code, out var item) ? item : throw new KeyNotFoundException($"No item '{code}' in catalog {Version}.");

    public bool TryGetItem(string code, out CatalogItem? item) => _items.TryGetValue(code, out item);

    public Department GetDepartment(string code) =>
        _departments.TryGetValue(code, out var d) ? d : throw new KeyNotFoundException($"No department '{code}' in catalog {Version}.");

    public Stage GetStage(int number) => Stages.FirstOrDefault(s => s.Number == number)
        ?? throw new KeyNotFoundException($"No stage {number} in catalog {Version}.");

    public IEnumerable<CatalogItem> ItemsOfStage(int stage) => Items.Where(i => i.Stage == stage);
}
