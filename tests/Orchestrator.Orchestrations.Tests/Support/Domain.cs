using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations.Tests.Support;

/// <summary>The shipped catalog and zones, and a planner over them.</summary>
public static class Domain
{
    private static readonly Lazy<ApprovalCatalog> LazyCatalog = new(() => CatalogLoader.LoadFile(DomainDataPaths.CatalogFile(TestData.DataPath)));
    private static readonly Lazy<ZoneRegistry> LazyZones = new(() => ZoneLoader.LoadFile(DomainDataPaths.ZonesFile(TestData.DataPath), Catalog));

    public static ApprovalCatalog Catalog => LazyCatalog.Value;
    public static ZoneRegistry Zones => LazyZones.Value;

    public static ApprovalPlanner Planner(CreditPolicyOptions? credit = null) =>
        new(Catalog, Zones, TestData.ShippedCalendar, new CreditPolicy(credit ?? new CreditPolicyOptions()));

    /// <summary>A project in the Jinchang case's situation: standardised factory phase II in a development zone with
    /// 4 regional assessments (energy, water resources, social stability risk, geological hazard), commitment chosen
    /// for the energy and environment reviews, agency service, land rights not yet held.</summary>
    public static ProjectProfile JinchangFactoryPhaseII() => new()
    {
        ProjectCode = "2603-620302-89-05-346948",
        EnterpriseUscc = "91330100799655058B",
        Credit = new EnterpriseCredit("91330100799655058B", CreditGrade.A, HasDishonestyRecord: false, HasPriorFalseCommitment: false),
        InvestmentNature = InvestmentNature.EnterpriseFiling,
        InvestmentWan = 12000m,
        Sector = "manufacturing",
        ZoneCode = "JINCHANG-EDZ",
        LandRightsHeld = false,
        ChosenCommitments = ["S1-ENERGY", "S1-EIA"],
        AgencyService = true,
    };

    /// <summary>The same project outside any assessed zone, without commitments or agency service.</summary>
    public static ProjectProfile PlainProject() => JinchangFactoryPhaseII() with
    {
        ZoneCode = "OUTSIDE-ZONE", ChosenCommitments = [], AgencyService = false,
    };
}
