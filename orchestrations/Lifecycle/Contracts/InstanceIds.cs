using System.Text.RegularExpressions;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// Instance-id scheme of the lifecycle (deterministic, so that filing twice finds the same instance and the
/// API can address items without a lookup table). Ids contain only letters, digits, '-', '_' and '.':
/// never / \ # ? or control characters (table-key safe). Each kind has its own prefix, because the engine (DTFx) can
/// list instances by id prefix but not by orchestrator name: <c>project-</c> lists projects only, <c>meeting-</c> joint meetings.
/// <list type="bullet">
/// <item>project: <c>project-{projectCode}</c>, e.g. <c>project-2603-141124-89-05-346948</c></item>
/// <item>item, round 1: <c>item-{projectCode}-{itemCode}</c>; re-approval round n ≥ 2: <c>…-{itemCode}-r{n}</c></item>
/// <item>credit-acceptance verification of a commitment item (信用验收): <c>item-{projectCode}-{itemCode}-verify</c></item>
/// <item>joint meeting: <c>meeting-{projectCode}-{sequence}</c> (sequence 1, 2, … per project)</item>
/// <item>The daily SLA sweep runs under the host's scheduled-function carrier, <c>schedule:SlaSweep:{occurrence UTC}</c>.</item>
/// </list>
/// </summary>
public static class InstanceIds
{
    public const string ProjectPrefix = "project-";
    public const string ItemPrefix = "item-";
    public const string MeetingPrefix = "meeting-";
    private static readonly Regex Safe = new("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

    public static string Project(string projectCode) => ProjectPrefix + Check(projectCode, nameof(projectCode));

    public static string Item(string projectCode, string itemCode, int round = 1)
    {
        if (round < 1) throw new ArgumentOutOfRangeException(nameof(round), "Rounds start at 1.");
        var id = $"{ItemPrefix}{Check(projectCode, nameof(projectCode))}-{Check(itemCode, nameof(itemCode))}";
        return round == 1 ? id : $"{id}-r{round}";
    }

    /// <summary>The round that verifies a commitment at credit acceptance (信用验收).</summary>
    public static string Verification(string projectCode, string itemCode) => $"{Item(projectCode, itemCode)}-verify";

    public static string JointMeeting(string projectCode, int sequence) => $"{MeetingPrefix}{Check(projectCode, nameof(projectCode))}-{sequence}";

    /// <summary>True when <paramref name="instanceId"/> is a project instance id (not an item or meeting of it).</summary>
    public static bool IsProject(string instanceId) => instanceId.StartsWith(ProjectPrefix, StringComparison.Ordinal);

    /// <summary>True when a code can be part of an id (letters, digits, '.', '_', '-').</summary>
    public static bool IsSafe(string? code) => !string.IsNullOrEmpty(code) && code.Length <= 100 && Safe.IsMatch(code);

    private static string Check(string code, string name) =>
        IsSafe(code) ? code : throw new ArgumentException($"'{code}' cannot be part of an instance id: use letters, digits, '.', '_' and '-' only.", name);
}
