namespace Orchestrator.Durable.Diagnostics;

internal sealed record ApprovalWithTimeoutInput(int TimeoutSeconds);

/// <summary>Waits for the "Approval" event or a durable timeout; output "approved" or "timeout".</summary>
internal sealed class ApprovalWithTimeout : TaskOrchestrator<ApprovalWithTimeoutInput?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, ApprovalWithTimeoutInput? input)
    {
        try
        {
            await context.WaitForExternalEvent<object?>("Approval", TimeSpan.FromSeconds(input?.TimeoutSeconds ?? 60));
            return "approved";
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }
}
