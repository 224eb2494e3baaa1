using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Partition and row keys of the read-model tables. Row keys sort lexically, so dates are yyyyMMdd and sequences padded:
/// a department's open items in row-key order are its items by due date, which is what the lists and the sweep read.
/// </summary>
public static class ReadModelKeys
{
    /// <summary>Due bucket of items without a running deadline (paused clock): sorts after every date.</summary>
    public const string NoDue = "99999999";

    /// <summary><c>Projects</c> partition: the code's first four characters (its YYMM time code), so filings spread over partitions by month.</summary>
    public static string ProjectPartition(string projectCode) => projectCode.Length >= 4 ? projectCode[..4] : projectCode;

    public const string Summary = "summary";
    public const string ItemPrefix = "item|";
    public const string TimelinePrefix = "timeline|";
    public const string EscalationPrefix = "escalation|";
    public const string DepartmentItemPrefix = "i|";
    public const string CounterPrefix = "c|";
    public const string OpenEscalations = "open";
    public const string AllEscalations = "all";

    public static string Item(string slot) => ItemPrefix + slot;
    public static string Timeline(int seq) => $"{TimelinePrefix}{seq:D6}";
    public static string Escalation(int seq) => $"{EscalationPrefix}{seq:D4}";
    public static string DepartmentItem(string dueKey, string projectCode, string instanceId) => $"{DepartmentItemPrefix}{dueKey}|{projectCode}|{instanceId}";
    public static string Counter(string dueKey) => CounterPrefix + dueKey;
    public static string Date(DateOnly d) => d.ToString("yyyyMMdd");

    /// <summary>The upper bound of a key prefix in a range query (<c>|</c> is followed by <c>}</c> in ASCII).</summary>
    public static string End(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>
    /// The department index bucket of a round: the local date (Asia/Shanghai) of its deadline in force, <see cref="NoDue"/>
    /// when its clock is paused, null when it is not open (then it is not in the index). Deterministic: the orchestration
    /// computes it with the calculator of its recorded rules.
    /// </summary>
    public static string? DueKey(ItemStatus s, ItemClockCalculator calc)
    {
        if (!ItemStates.IsOpen(s.State)) return null;
        return ItemSla.EffectiveDue(s, calc).DueAt is { } due ? Date(ChinaTime.LocalDate(due)) : NoDue;
    }

    public static DateOnly? ParseDate(string dueKey) =>
        dueKey == NoDue ? null : DateOnly.ParseExact(dueKey, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
}
