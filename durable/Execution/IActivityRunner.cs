namespace Orchestrator.Durable.Execution;

/// <summary>Untyped entry point of an activity.</summary>
internal interface IActivityRunner
{
    Type InputType { get; }
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}
