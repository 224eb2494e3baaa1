using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.Orchestrations.Infrastructure.Credit;

/// <summary>An enterprise of the seed file.</summary>
public sealed record SeedEnterprise(EnterpriseCredit Credit, string Name);

/// <summary>Reads <c>data/credit/sample-enterprises.json</c> (sample enterprises with grades, flags and scores).</summary>
public static class CreditSeed
{
    public static IReadOnlyList<SeedEnterprise> Load(string path)
    {
        var file = DomainJson.ReadFile<SeedFile>(path);
        var list = new List<SeedEnterprise>();
        for (var i = 0; i < (file.Enterprises?.Count ?? 0); i++)
        {
            var e = file.Enterprises![i];
            var at = $"enterprises[{i}]" + (e?.Uscc is { } u ? $" ({u})" : "");
            if (e?.Uscc is null || e.Name is null) throw new DomainDataException(path, at, "\"uscc\" and \"name\" are required");
            var check = Identifiers.UnifiedSocialCreditCode.Validate(e.Uscc, Identifiers.UsccValidationMode.LegacyRecord);
            if (!check.IsValid) throw new DomainDataException(path, at, check.ErrorMessage);
            list.Add(new SeedEnterprise(new EnterpriseCredit(e.Uscc, e.Grade, e.HasDishonestyRecord, e.HasPriorFalseCommitment, e.Score), e.Name));
        }
        return list;
    }

    /// <summary>The seed file path: <paramref name="file"/> if absolute, else under the domain data folder.</summary>
    public static string Resolve(string dataPath, string file) => Path.IsPathRooted(file) ? file : Path.Combine(dataPath, file);

    private sealed class SeedFile
    {
        public string? Description { get; set; }
        public List<SeedDto?>? Enterprises { get; set; }
    }

    private sealed class SeedDto
    {
        public string? Uscc { get; set; }
        public string? Name { get; set; }
        public CreditGrade? Grade { get; set; }
        public bool HasDishonestyRecord { get; set; }
        public bool HasPriorFalseCommitment { get; set; }
        public int? Score { get; set; }
        public string? Note { get; set; }
    }
}
