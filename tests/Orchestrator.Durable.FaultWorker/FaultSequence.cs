using Microsoft.DurableTask;

namespace Orchestrator.Durable.FaultWorker;

/// <summary>Input of <see cref="FaultSequence"/>: <c>steps</c> calls of <see cref="RecordStep"/>, each waiting <c>delayMs</c>.</summary>
public sealed record FaultSequenceInput(int Steps = 5, int DelayMs = 0);

/// <summary>Input of <see cref="RecordStep"/>.</summary>
public sealed record RecordStepInput(int Step, int DelayMs);

/// <summary>
/// Calls <see cref="RecordStep"/> for steps 1..n in sequence; output: the step results in order ("{instanceId}:{step}").
/// Each episode that is not a replay appends "orc {instanceId} {pid}" to the step log (which process ran it).
/// </summary>
public sealed class FaultSequence : TaskOrchestrator<FaultSequenceInput?, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, FaultSequenceInput? input)
    {
        var steps = input?.Steps ?? 5;
        var results = new List<string>();
        for (var step = 1; step <= steps; step++)
        {
            if (!context.IsReplaying) StepLog.Write($"orc {context.InstanceId} {Environment.ProcessId}");
            results.Add(await context.CallActivityAsync<string>(nameof(RecordStep), new RecordStepInput(step, input?.DelayMs ?? 0)));
        }
        if (!context.IsReplaying) StepLog.Write($"orc {context.InstanceId} {Environment.ProcessId}");
        return results;
    }
}

/// <summary>The side effect whose repetitions the fault tests count: appends "act {instanceId} {step} {pid}", then answers.</summary>
public sealed class RecordStep : TaskActivity<RecordStepInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, RecordStepInput input)
    {
        if (input.DelayMs > 0) await Task.Delay(input.DelayMs).ConfigureAwait(false);
        StepLog.Write($"act {context.InstanceId} {input.Step} {Environment.ProcessId}");
        return $"{context.InstanceId}:{input.Step}";
    }
}
