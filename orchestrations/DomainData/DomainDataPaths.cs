namespace Orchestrator.Orchestrations.DomainData;

/// <summary>Where the domain data lives: <c>{DataPath}/calendar</c>, <c>{DataPath}/catalog/catalog.json</c>, <c>{DataPath}/zones/zones.json</c>.</summary>
public static class DomainDataPaths
{
    /// <summary>The data folder shipped beside the binaries.</summary>
    public static string DefaultDataPath => Path.Combine(AppContext.BaseDirectory, "data");

    public static string CalendarFolder(string dataPath) => Path.Combine(dataPath, "calendar");
    public static string CatalogFile(string dataPath) => Path.Combine(dataPath, "catalog", "catalog.json");
    public static string ZonesFile(string dataPath) => Path.Combine(dataPath, "zones", "zones.json");
}
