namespace Orchestrator.Durable.Execution;

/// <summary>Untyped entry point of an orchestrator, so the executor needs no reflection per call.</summary>
internal interface IOrchestratorRunner
{
    Type InputType { get; }
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}
