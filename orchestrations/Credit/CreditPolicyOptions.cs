namespace Orchestrator.Orchestrations.Credit;

/// <summary>Credit thresholds and score rules, bound from configuration section <c>Domain:Credit</c>. Defaults are the shipped facts.</summary>
public sealed class CreditPolicyOptions
{
    /// <summary>Default sectors excluded from commitment-based approval.</summary>
    public static readonly IReadOnlyList<string> DefaultExcludedSectors =
    [
        "prohibited", "restricted", "national-security", "high-energy-consumption", "high-pollution", "obsolete-capacity", "excess-capacity",
    ];

    /// <summary>Worst grade that may still use commitment (default B: grade B or better).</summary>
    public CreditGrade MinimumGrade { get; set; } = CreditGrade.B;

    /// <summary>Major projects at this level or above skip the grade check (default city level).</summary>
    public ProjectLevel MajorProjectExemptionLevel { get; set; } = ProjectLevel.City;

    /// <summary>Whether an enterprise without a grade may use commitment (default no).</summary>
    public bool AllowUngraded { get; set; }

    /// <summary>Excluded sector codes; null uses <see cref="DefaultExcludedSectors"/> (an array so configuration replaces rather than appends).</summary>
    public string[]? ExcludedSectors { get; set; }

    /// <summary>Score rules.</summary>
    public CreditScoringOptions Scoring { get; set; } = new();

    public IReadOnlyList<string> EffectiveExcludedSectors => ExcludedSectors ?? DefaultExcludedSectors;
}

/// <summary>How kept and broken commitments move a credit score (Gansu seed), and the grade bands.</summary>
public sealed class CreditScoringOptions
{
    /// <summary>Score an enterprise starts from at its first filing (信用备案证).</summary>
    public int InitialScore { get; set; } = 100;
    public int CommitmentKept { get; set; } = 2;
    public int CommitmentBroken { get; set; } = -20;
    public int ToleranceMaterialsSupplied { get; set; }
    public int ToleranceMaterialsNotSupplied { get; set; } = -5;
    /// <summary>A broken commitment also sets the prior-false-commitment flag (国办发〔2020〕42号).</summary>
    public bool BrokenCommitmentMarksFalseCommitment { get; set; } = true;
    public int MinimumScore { get; set; }
    public int MaximumScore { get; set; } = 120;
    /// <summary>Lowest score of grade A, B, C, D (anything lower is E).</summary>
    public int GradeAFrom { get; set; } = 100;
    public int GradeBFrom { get; set; } = 85;
    public int GradeCFrom { get; set; } = 70;
    public int GradeDFrom { get; set; } = 60;
}
