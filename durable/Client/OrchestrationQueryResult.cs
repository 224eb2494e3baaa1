namespace Orchestrator.Durable;

/// <param name="ContinuationToken">Null on the last page.</param>
public sealed record OrchestrationQueryResult(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);
