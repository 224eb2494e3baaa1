using Orchestrator.Durable.Diagnostics;

namespace Orchestrator.Durable;

public static class DiagnosticOrchestrationsRegistryExtensions
{
    /// <summary>
    /// Registers the engine's self-test orchestrations: HelloSequence {count, delayMs}, FanOutFanIn {count},
    /// ApprovalWithTimeout {timeoutSeconds} (event "Approval"), EternalCounter {stopAt}; and their activities
    /// SayHello and Echo.
    /// </summary>
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
