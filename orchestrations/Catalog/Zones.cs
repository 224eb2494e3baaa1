using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.Orchestrations.Catalog;

/// <summary>A location zone (development zone, industrial park) and the regional assessments (区域评估) done for it.</summary>
public sealed record Zone(string Code, string NameZh, string NameEn, IReadOnlyList<string> RegionalAssessments);

/// <summary>The zones known to the service (<c>data/zones/zones.json</c>).</summary>
public sealed class ZoneRegistry
{
    private readonly Dictionary<string, Zone> _zones;

    public ZoneRegistry(IEnumerable<Zone> zones) => _zones = zones.ToDictionary(z => z.Code, StringComparer.Ordinal);

    public IReadOnlyCollection<Zone> Zones => _zones.Values;

    public Zone Get(string code) => _zones.TryGetValue(code, out var z) ? z : throw new KeyNotFoundException($"Unknown zone '{code}'.");

    public bool TryGet(string code, out Zone? zone) => _zones.TryGetValue(code, out zone);
}

/// <summary>Loads zones and checks every regional assessment against the catalog's assessment kinds.</summary>
public static class ZoneLoader
{
    public static ZoneRegistry LoadFile(string path, ApprovalCatalog catalog)
    {
        if (!File.Exists(path)) throw new DomainDataException(path, "file", "the zones file does not exist");
        using var s = File.OpenRead(path);
        return Load(s, path, catalog);
    }

    public static ZoneRegistry Load(Stream stream, string sourceName, ApprovalCatalog catalog)
    {
        var f = DomainJson.Read<ZonesFile>(stream, sourceName);
        if (f.Zones is null) throw new DomainDataException(sourceName, "zones", "\"zones\" is missing");
        var zones = new List<Zone>();
        for (var i = 0; i < f.Zones.Count; i++)
        {
            var z = f.Zones[i];
            var at = $"zones[{i}]" + (string.IsNullOrWhiteSpace(z?.Code) ? "" : $" ({z!.Code})");
            if (z is null) throw new DomainDataException(sourceName, at, "the entry is null");
            if (string.IsNullOrWhiteSpace(z.Code)) throw new DomainDataException(sourceName, at, "\"code\" is missing");
            if (string.IsNullOrWhiteSpace(z.NameZh) || string.IsNullOrWhiteSpace(z.NameEn))
                throw new DomainDataException(sourceName, at, "\"nameZh\" and \"nameEn\" are required");
            if (zones.Any(x => x.Code == z.Code)) throw new DomainDataException(sourceName, at, $"zone code '{z.Code}' is used twice");
            var list = z.RegionalAssessments ?? new();
            foreach (var k in list)
                if (catalog.RegionalAssessmentKinds.All(x => x.Code != k))
                    throw new DomainDataException(sourceName, at, $"unknown regional assessment kind '{k}' (catalog {catalog.Version} knows: {string.Join(", ", catalog.RegionalAssessmentKinds.Select(x => x.Code))})");
            zones.Add(new Zone(z.Code, z.NameZh, z.NameEn, list.Distinct().ToList()));
        }
        return new ZoneRegistry(zones);
    }

    private sealed class ZonesFile
    {
        public List<ZoneDto?>? Zones { get; set; }
    }

    private sealed class ZoneDto
    {
        public string? Code { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
        public List<string>? RegionalAssessments { get; set; }
    }
}
