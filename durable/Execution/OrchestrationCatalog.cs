namespace Orchestrator.Durable.Execution;

/// <summary>Resolves registered orchestrators by (name, version) and activities by name.</summary>
internal sealed class OrchestrationCatalog(DurableTaskRegistry registry, IServiceProvider services)
{
    /// <summary>
    /// The version to start: the requested one if registered, else (when none requested) the newest registered
    /// version (numeric-aware ordering, "" oldest). Null when nothing matches.
    /// </summary>
    public string? ResolveVersion(string name, string? requestedVersion)
    {
        var versions = registry.Orchestrators.Keys
            .Where(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
            .Select(k => k.Version).ToList();
        if (requestedVersion is not null)
            return versions.Contains(requestedVersion, StringComparer.Ordinal) ? requestedVersion : null;
        return versions.Count == 0 ? null : versions.OrderBy(v => v, VersionComparer.Instance).Last();
    }

    /// <summary>Canonical (registered) spelling of an orchestrator name.</summary>
    public string CanonicalName(string name)
        => registry.Orchestrators.Keys.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)).Name ?? name;

    public IOrchestratorRunner? CreateOrchestrator(string name, string version)
        => registry.Orchestrators.TryGetValue((name, version), out var factory) ? factory(services) : null;

    public IActivityRunner? CreateActivity(string name, IServiceProvider scopedServices)
        => registry.Activities.TryGetValue(name, out var factory) ? factory(scopedServices) : null;

    private sealed class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();
        public int Compare(string? x, string? y)
        {
            if (System.Version.TryParse(Pad(x), out var vx) && System.Version.TryParse(Pad(y), out var vy))
                return vx.CompareTo(vy);
            if (string.IsNullOrEmpty(x) || string.IsNullOrEmpty(y))
                return string.IsNullOrEmpty(x) ? (string.IsNullOrEmpty(y) ? 0 : -1) : 1;
            return string.CompareOrdinal(x, y);
        }

        // "2" is not a System.Version; "2.0" is.
        private static string? Pad(string? v) => v is not null && int.TryParse(v, out _) ? v + ".0" : v;
    }
}
