using Microsoft.DurableTask.Client;

namespace Orchestrator.SelfHost.Management;

/// <summary>
/// The checks DTFx does not make: it accepts an event, terminate, suspend or resume for an unknown or ended instance and
/// drops it silently. Each command reads the instance's status first and answers 404 / 410 as Durable Functions users
/// expect. The check and the command are not atomic: an instance that ends in between drops the command.
/// </summary>
internal static class InstanceGuard
{
    /// <summary>The instance when it exists and has not ended; otherwise the problem to answer.</summary>
    public static async Task<(OrchestrationMetadata? Instance, IResult? Problem)> RunningAsync(DurableTaskClient client, string instanceId, CancellationToken ct)
    {
        if (InstanceIdRules.Check(instanceId) is { } invalid) return (null, invalid);
        var m = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct);
        if (m is null) return (null, Api.Problems.Problems.InstanceNotFound(instanceId));
        if (IsEnded(m.RuntimeStatus)) return (null, Api.Problems.Problems.InstanceEnded(instanceId, m.RuntimeStatus));
        return (m, null);
    }

    public static bool IsEnded(OrchestrationRuntimeStatus s) =>
        s is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
