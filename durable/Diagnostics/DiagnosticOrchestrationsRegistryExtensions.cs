using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

public static class DiagnosticOrchestrationsRegistryExtensions
{
    /// <summary>Registers the diagnostic orchestrations and activities (management API, bench, tests).</summary>
    public static DurableTaskRegistry AddDiagnosticOrchestrations(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<HelloSequence>()
            .AddOrchestrator<FanOutFanIn>()
            .AddOrchestrator<ApprovalWithTimeout>()
            .AddOrchestrator<EternalCounter>()
            .AddActivity<SayHello>()
            .AddActivity<Echo>();
    }
}
