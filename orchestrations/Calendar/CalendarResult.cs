namespace Orchestrator.Orchestrations.Calendar;

/// <summary>
/// A calendar answer that knows whether it is trustworthy: when the computation touched a year with no
/// State Council holiday notice loaded, only weekends were used and the result is provisional (暂定)
/// and must be recomputed once that year's notice is loaded.
/// </summary>
public sealed record CalendarResult<T>(T Value, IReadOnlyList<int> MissingYears)
{
    /// <summary>True when some year the computation touched has no holiday data (weekends only were used).</summary>
    public bool IsProvisional => MissingYears.Count > 0;

    public override string ToString() =>
        IsProvisional ? $"{Value} (provisional: no holiday data for {string.Join(", ", MissingYears)})" : $"{Value}";
}
