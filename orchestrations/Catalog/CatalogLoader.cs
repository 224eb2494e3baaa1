using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.Orchestrations.Catalog;

/// <summary>
/// Loads and validates the item catalog (<c>data/catalog/catalog.json</c>). Every problem fails with a
/// <see cref="DomainDataException"/> naming the file, the item and what is wrong: unknown departments,
/// stages or assessment kinds, missing limits, duplicate codes, unknown prerequisites and prerequisite cycles.
/// </summary>
public static class CatalogLoader
{
    public static ApprovalCatalog LoadFile(string path)
    {
        if (!File.Exists(path)) throw new DomainDataException(path, "file", "the catalog file does not exist");
        using var s = File.OpenRead(path);
        return Load(s, path);
    }

    public static ApprovalCatalog Load(Stream stream, string sourceName)
    {
        var f = DomainJson.Read<CatalogFile>(stream, sourceName);
        return Validate(f, sourceName);
    }

    private static ApprovalCatalog Validate(CatalogFile f, string src)
    {
        DomainDataException Err(string at, string problem) => new(src, at, problem);

        if (string.IsNullOrWhiteSpace(f.Version)) throw Err("version", "\"version\" is missing");
        if (f.Stages is not { Count: > 0 }) throw Err("stages", "\"stages\" is missing or empty");
        if (f.Departments is not { Count: > 0 }) throw Err("departments", "\"departments\" is missing or empty");
        if (f.Items is not { Count: > 0 }) throw Err("items", "\"items\" is missing or empty");

        var stages = new List<Stage>();
        for (var i = 0; i < f.Stages.Count; i++)
        {
            var s = f.Stages[i];
            var at = $"stages[{i}]" + (s?.Code is { } c ? $" ({c})" : "");
            if (s is null) throw Err(at, "the entry is null");
            if (s.Number is not int n || n < 1) throw Err(at, "\"number\" is missing or not a positive number");
            if (string.IsNullOrWhiteSpace(s.Code)) throw Err(at, "\"code\" is missing");
            if (string.IsNullOrWhiteSpace(s.NameZh) || string.IsNullOrWhiteSpace(s.NameEn)) throw Err(at, "\"nameZh\" and \"nameEn\" are required");
            if (stages.Any(x => x.Number == n)) throw Err(at, $"stage number {n} is used twice");
            stages.Add(new Stage(n, s.Code, s.NameZh, s.NameEn));
        }
        stages.Sort((a, b) => a.Number.CompareTo(b.Number));

        var departments = new List<Department>();
        for (var i = 0; i < f.Departments.Count; i++)
        {
            var d = f.Departments[i];
            var at = $"departments[{i}]" + (d?.Code is { } c ? $" ({c})" : "");
            if (d is null) throw Err(at, "the entry is null");
            if (string.IsNullOrWhiteSpace(d.Code)) throw Err(at, "\"code\" is missing");
            if (string.IsNullOrWhiteSpace(d.NameZh) || string.IsNullOrWhiteSpace(d.NameEn)) throw Err(at, "\"nameZh\" and \"nameEn\" are required");
            if (departments.Any(x => x.Code == d.Code)) throw Err(at, $"department code '{d.Code}' is used twice");
            departments.Add(new Department(d.Code, d.NameZh, d.NameEn));
        }

        var kinds = new List<RegionalAssessmentKind>();
        var kindList = f.RegionalAssessmentKinds ?? new();
        for (var i = 0; i < kindList.Count; i++)
        {
            var k = kindList[i];
            var at = $"regionalAssessmentKinds[{i}]" + (k?.Code is { } c ? $" ({c})" : "");
            if (k is null || string.IsNullOrWhiteSpace(k.Code)) throw Err(at, "\"code\" is missing");
            if (string.IsNullOrWhiteSpace(k.NameZh) || string.IsNullOrWhiteSpace(k.NameEn)) throw Err(at, "\"nameZh\" and \"nameEn\" are required");
            if (kinds.Any(x => x.Code == k.Code)) throw Err(at, $"assessment kind '{k.Code}' is listed twice");
            kinds.Add(new RegionalAssessmentKind(k.Code, k.NameZh, k.NameEn));
        }

        var items = new List<CatalogItem>();
        var locations = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < f.Items.Count; i++)
        {
            var x = f.Items[i];
            var at = $"items[{i}]" + (string.IsNullOrWhiteSpace(x?.Code) ? "" : $" ({x!.Code})");
            if (x is null) throw Err(at, "the entry is null");
            if (string.IsNullOrWhiteSpace(x.Code)) throw Err(at, "\"code\" is missing");
            if (locations.TryGetValue(x.Code, out var first)) throw Err(at, $"duplicate item code '{x.Code}' (first defined at {first})");
            locations[x.Code] = at;
            if (string.IsNullOrWhiteSpace(x.NameZh) || string.IsNullOrWhiteSpace(x.NameEn)) throw Err(at, "\"nameZh\" and \"nameEn\" are required");
            if (x.Stage is not int stage) throw Err(at, "\"stage\" is missing");
            if (stages.All(s => s.Number != stage)) throw Err(at, $"unknown stage {stage} (stages: {string.Join(", ", stages.Select(s => s.Number))})");
            if (string.IsNullOrWhiteSpace(x.Department)) throw Err(at, "\"department\" is missing");
            if (departments.All(d => d.Code != x.Department))
                throw Err(at, $"unknown department '{x.Department}' (departments: {string.Join(", ", departments.Select(d => d.Code))})");
            var legal = Limit(x.LegalLimit, "legalLimit", at, src) ?? throw Err(at, "\"legalLimit\" is missing");
            var promised = Limit(x.PromisedLimit, "promisedLimit", at, src) ?? throw Err(at, "\"promisedLimit\" is missing");
            if (legal.Unit == promised.Unit && promised.Days > legal.Days)
                throw Err(at, $"the promised limit ({promised}) is longer than the legal limit ({legal})");
            var tolerance = Limit(x.ToleranceMaterialsLimit, "toleranceMaterialsLimit", at, src);
            var toleranceAllowed = x.ToleranceAllowed ?? false;
            if (toleranceAllowed && tolerance is null)
                throw Err(at, "tolerance acceptance is allowed but \"toleranceMaterialsLimit\" (the deadline for the missing materials) is missing");
            if (!toleranceAllowed && tolerance is not null)
                throw Err(at, "\"toleranceMaterialsLimit\" is given but tolerance acceptance is not allowed");
            foreach (var k in x.WaivedByRegionalAssessments ?? new())
                if (kinds.All(y => y.Code != k))
                    throw Err(at, $"unknown regional assessment kind '{k}' in \"waivedByRegionalAssessments\"");
            if (x.PreparationDays is < 0) throw Err(at, "\"preparationDays\" cannot be negative");
            var applies = x.AppliesTo is null
                ? ItemApplicability.Always
                : new ItemApplicability(x.AppliesTo.InvestmentNatures, x.AppliesTo.MinInvestmentWan, x.AppliesTo.LandRightsHeld, x.AppliesTo.SiteConditions);
            if (applies.MinInvestmentWan is < 0) throw Err(at, "\"appliesTo.minInvestmentWan\" cannot be negative");

            items.Add(new CatalogItem(x.Code, x.NameZh, x.NameEn, stage, x.Department, legal, promised,
                x.CommitmentAllowed ?? false, toleranceAllowed, tolerance,
                (x.WaivedByRegionalAssessments ?? new()).Distinct().ToList(), (x.Prerequisites ?? new()).Distinct().ToList(),
                x.SimulatedApproval ?? false, x.JointAcceptance ?? false, x.PreparationDays ?? 0, applies, x.LegalBasis));
        }

        var byCode = items.ToDictionary(i => i.Code, StringComparer.Ordinal);
        foreach (var item in items)
            foreach (var p in item.Prerequisites)
            {
                var at = locations[item.Code];
                if (p == item.Code) throw Err(at, "the item lists itself as a prerequisite");
                if (!byCode.TryGetValue(p, out var pre)) throw Err(at, $"unknown prerequisite '{p}'");
                if (pre.Stage > item.Stage)
                    throw Err(at, $"prerequisite '{p}' is in a later stage ({pre.Stage}) than the item ({item.Stage})");
            }

        var ordered = TopologicalOrder(items, byCode, locations, src);
        return new ApprovalCatalog(f.Version, f.EffectiveFrom, stages, departments, kinds, ordered);
    }

    private static TimeLimit? Limit(LimitDto? dto, string field, string at, string src)
    {
        if (dto is null) return null;
        if (dto.Days is not int days) throw new DomainDataException(src, at, $"\"{field}.days\" is missing");
        if (days < 0) throw new DomainDataException(src, at, $"\"{field}.days\" cannot be negative");
        var unit = dto.Unit switch
        {
            "working" => DayUnit.WorkingDays,
            "natural" => DayUnit.NaturalDays,
            null => throw new DomainDataException(src, at, $"\"{field}.unit\" is missing (working or natural)"),
            _ => throw new DomainDataException(src, at, $"\"{field}.unit\" is '{dto.Unit}'; expected working or natural"),
        };
        return new TimeLimit(days, unit);
    }

    // Stage order first, then prerequisites first, stable in file order; reports a cycle with its path.
    private static List<CatalogItem> TopologicalOrder(List<CatalogItem> items, Dictionary<string, CatalogItem> byCode, Dictionary<string, string> locations, string src)
    {
        var state = new Dictionary<string, int>(); // 0 new, 1 visiting, 2 done
        var result = new List<CatalogItem>();
        var stack = new List<string>();

        void Visit(CatalogItem item)
        {
            if (state.GetValueOrDefault(item.Code) == 2) return;
            if (state.GetValueOrDefault(item.Code) == 1)
            {
                var cycle = stack.Skip(stack.IndexOf(item.Code)).Append(item.Code);
                throw new DomainDataException(src, locations[item.Code], $"prerequisite cycle: {string.Join(" -> ", cycle)}");
            }
            state[item.Code] = 1;
            stack.Add(item.Code);
            foreach (var p in item.Prerequisites) Visit(byCode[p]);
            stack.RemoveAt(stack.Count - 1);
            state[item.Code] = 2;
            result.Add(item);
        }

        foreach (var item in items.OrderBy(i => i.Stage)) Visit(item);
        return result.OrderBy(i => i.Stage).ThenBy(i => result.IndexOf(i)).ToList();
    }

    private sealed class CatalogFile
    {
        public string? Version { get; set; }
        public DateOnly? EffectiveFrom { get; set; }
        public string? Description { get; set; }
        public List<StageDto?>? Stages { get; set; }
        public List<DepartmentDto?>? Departments { get; set; }
        public List<KindDto?>? RegionalAssessmentKinds { get; set; }
        public List<ItemDto?>? Items { get; set; }
    }

    private sealed class StageDto
    {
        public int? Number { get; set; }
        public string? Code { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
    }

    private sealed class DepartmentDto
    {
        public string? Code { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
    }

    private sealed class KindDto
    {
        public string? Code { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
    }

    private sealed class LimitDto
    {
        public int? Days { get; set; }
        public string? Unit { get; set; }
    }

    private sealed class ApplicabilityDto
    {
        public List<InvestmentNature>? InvestmentNatures { get; set; }
        public decimal? MinInvestmentWan { get; set; }
        public bool? LandRightsHeld { get; set; }
        public List<string>? SiteConditions { get; set; }
    }

    private sealed class ItemDto
    {
        public string? Code { get; set; }
        public string? NameZh { get; set; }
        public string? NameEn { get; set; }
        public int? Stage { get; set; }
        public string? Department { get; set; }
        public LimitDto? LegalLimit { get; set; }
        public LimitDto? PromisedLimit { get; set; }
        public bool? CommitmentAllowed { get; set; }
        public bool? ToleranceAllowed { get; set; }
        public LimitDto? ToleranceMaterialsLimit { get; set; }
        public List<string>? WaivedByRegionalAssessments { get; set; }
        public List<string>? Prerequisites { get; set; }
        public bool? SimulatedApproval { get; set; }
        public bool? JointAcceptance { get; set; }
        public int? PreparationDays { get; set; }
        public ApplicabilityDto? AppliesTo { get; set; }
        public string? LegalBasis { get; set; }
        public string? Note { get; set; }
    }
}
