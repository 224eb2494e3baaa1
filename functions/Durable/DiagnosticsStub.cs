// TEMPORARY until the engine branch provides registry.AddDiagnosticOrchestrations(): remove on merge.
namespace Orchestrator.Durable;

internal static class DiagnosticsStub
{
    public static DurableTaskRegistry AddDiagnosticOrchestrations(this DurableTaskRegistry registry) => registry;
}
