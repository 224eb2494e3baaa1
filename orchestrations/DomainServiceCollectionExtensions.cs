using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations;

/// <summary>Domain settings, bound from configuration section <c>Domain</c>.</summary>
public sealed class DomainOptions
{
    /// <summary>Folder with <c>calendar/</c>, <c>catalog/</c> and <c>zones/</c>; default: the <c>data</c> folder beside the binaries.</summary>
    public string? DataPath { get; set; }

    public string EffectiveDataPath => string.IsNullOrWhiteSpace(DataPath) ? DomainDataPaths.DefaultDataPath : DataPath;
}

/// <summary>The single composition point of the approval domain.</summary>
public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// Registers the calendar, catalog, zones, credit policy, clock calculator and planner as singletons loaded from
    /// <c>Domain:DataPath</c>, with options from <c>Domain:Clocks</c>, <c>Domain:Credit</c> and <c>Domain:Planner</c>.
    /// Data is loaded on first resolution; bad data throws <see cref="DomainDataException"/> then.
    /// </summary>
    public static IServiceCollection AddApprovalDomain(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Domain");
        services.Configure<DomainOptions>(section);
        services.Configure<ClockOptions>(section.GetSection("Clocks"));
        services.Configure<CreditPolicyOptions>(section.GetSection("Credit"));
        services.Configure<PlannerOptions>(section.GetSection("Planner"));

        services.AddSingleton(sp => WorkingCalendarLoader.LoadFolder(DomainDataPaths.CalendarFolder(Path(sp))));
        services.AddSingleton(sp => CatalogLoader.LoadFile(DomainDataPaths.CatalogFile(Path(sp))));
        services.AddSingleton(sp => ZoneLoader.LoadFile(DomainDataPaths.ZonesFile(Path(sp)), sp.GetRequiredService<ApprovalCatalog>()));
        services.AddSingleton(sp => new CreditPolicy(sp.GetRequiredService<IOptions<CreditPolicyOptions>>().Value));
        services.AddSingleton(sp => new ItemClockCalculator(sp.GetRequiredService<WorkingCalendar>(), sp.GetRequiredService<IOptions<ClockOptions>>().Value));
        services.AddSingleton(sp => new ApprovalPlanner(
            sp.GetRequiredService<ApprovalCatalog>(), sp.GetRequiredService<ZoneRegistry>(), sp.GetRequiredService<WorkingCalendar>(),
            sp.GetRequiredService<CreditPolicy>(), sp.GetRequiredService<IOptions<PlannerOptions>>().Value));
        return services;
    }

    private static string Path(IServiceProvider sp) => sp.GetRequiredService<IOptions<DomainOptions>>().Value.EffectiveDataPath;
}
