namespace Orchestrator.Durable.Execution;

/// <summary>Instance ids become table keys: reject what Azure Table keys cannot hold rather than escaping it.</summary>
internal static class InstanceIdValidator
{
    public static bool IsValid(string? instanceId)
        => !string.IsNullOrEmpty(instanceId) && instanceId.Length <= InvalidInstanceIdException.MaxLength
           && !instanceId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    public static void Validate(string? instanceId)
    {
        if (string.IsNullOrEmpty(instanceId))
            throw new InvalidInstanceIdException(instanceId, "it is empty");
        if (instanceId.Length > InvalidInstanceIdException.MaxLength)
            throw new InvalidInstanceIdException(instanceId, $"it has {instanceId.Length} characters");
        foreach (var c in instanceId)
        {
            if (c is '/' or '\\' or '#' or '?')
                throw new InvalidInstanceIdException(instanceId, $"it contains '{c}'");
            if (char.IsControl(c))
                throw new InvalidInstanceIdException(instanceId, $"it contains the control character U+{(int)c:X4}");
        }
    }
}
