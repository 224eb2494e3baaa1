using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Tests.Support;

namespace Orchestrator.Orchestrations.Tests;

public class DomainServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddApprovalDomain(config).BuildServiceProvider();
    }

    [Fact]
    public void The_domain_loads_from_the_data_folder_beside_the_binaries_by_default()
    {
        using var sp = Build(new());

        Assert.Equal(new[] { 2025, 2026 }, sp.GetRequiredService<WorkingCalendar>().LoadedYears);
        Assert.Same(sp.GetRequiredService<ApprovalCatalog>(), sp.GetRequiredService<ApprovalCatalog>());
        Assert.NotNull(sp.GetRequiredService<ApprovalPlanner>().Plan(Domain.JinchangFactoryPhaseII(), TestData.D("2026-03-02")));
        Assert.NotNull(sp.GetRequiredService<ZoneRegistry>().Get("JINCHANG-EDZ"));
    }

    [Fact]
    public void Thresholds_come_from_configuration()
    {
        using var sp = Build(new() { ["Domain:Clocks:WarningMarginDays"] = "4", ["Domain:Credit:MinimumGrade"] = "A" });

        Assert.Equal(4, sp.GetRequiredService<ItemClockCalculator>().Options.WarningMarginDays);
        Assert.Equal(CreditGrade.A, sp.GetRequiredService<CreditPolicy>().Options.MinimumGrade);
    }

    [Fact]
    public void A_replaced_data_folder_is_used_and_bad_data_in_it_fails_at_load_naming_the_file()
    {
        using var folder = new TempFolder();
        foreach (var f in Directory.GetFiles(DomainDataPaths.CalendarFolder(TestData.DataPath)))
            folder.Write(Path.Combine("calendar", Path.GetFileName(f)), File.ReadAllText(f));
        var catalog = folder.Write(Path.Combine("catalog", "catalog.json"), "{ \"version\": \"x\" }");
        using var sp = Build(new() { ["Domain:DataPath"] = folder.Path });

        Assert.Equal(new[] { 2025, 2026 }, sp.GetRequiredService<WorkingCalendar>().LoadedYears);
        var ex = Assert.Throws<DomainDataException>(() => sp.GetRequiredService<ApprovalPlanner>());
        Assert.Equal(catalog, ex.File);
    }
}
