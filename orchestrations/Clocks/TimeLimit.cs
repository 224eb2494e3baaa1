using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Clocks;

/// <summary>Unit of a time limit: working days (工作日, Art. 82) or natural days (自然日).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DayUnit>))]
public enum DayUnit
{
    WorkingDays,
    NaturalDays,
}

/// <summary>A time limit (时限): a number of days in a unit, counted from the day after acceptance.</summary>
public sealed record TimeLimit(int Days, DayUnit Unit)
{
    public static TimeLimit WorkingDays(int days) => new(days, DayUnit.WorkingDays);
    public static TimeLimit NaturalDays(int days) => new(days, DayUnit.NaturalDays);

    public override string ToString() => $"{Days} {(Unit == DayUnit.WorkingDays ? "working" : "natural")} day{(Days == 1 ? "" : "s")}";
}
