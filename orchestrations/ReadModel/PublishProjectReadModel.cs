using Microsoft.DurableTask;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Activity the project orchestration calls when its state changed: writes the change to the read model. Runs at least
/// once; the writer's version guard makes a repeat (or a replayed older publish) write nothing.
/// </summary>
public sealed class PublishProjectReadModel(ReadModelWriter writer) : TaskActivity<ReadModelUpdate, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, ReadModelUpdate input) => writer.WriteAsync(input);
}
