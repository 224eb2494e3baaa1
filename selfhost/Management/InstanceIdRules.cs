namespace Orchestrator.SelfHost.Management;

/// <summary>
/// What an instance id may be here: 1 to 256 characters without / \ # ? or control characters (they cannot be Azure
/// table keys, which DTFx Azure Storage uses for instance ids).
/// </summary>
internal static class InstanceIdRules
{
    public const int MaxLength = 256;

    public static IResult? Check(string? instanceId)
    {
        if (instanceId is null) return null;
        string? why = instanceId.Length == 0 ? "it is empty"
            : instanceId.Length > MaxLength ? $"it has {instanceId.Length} characters; use at most {MaxLength}"
            : instanceId.FirstOrDefault(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)) is var bad and not '\0' ? $"it contains '{(char.IsControl(bad) ? $"U+{(int)bad:X4}" : bad.ToString())}'"
            : null;
        return why is null ? null : Api.Problems.Problems.BadRequest("invalid-instance-id", "Invalid instance id",
            $"The instance id '{instanceId}' cannot be used: {why}. Use up to {MaxLength} characters without / \\ # ? or control characters.", "instanceId");
    }
}
