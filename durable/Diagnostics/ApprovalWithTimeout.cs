using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

/// <summary>
/// Waits for the "Approval" event (bool) against a durable timer of <c>timeoutSeconds</c>;
/// output "approved", "rejected" or "timed out".
/// </summary>
public sealed class ApprovalWithTimeout : TaskOrchestrator<ApprovalWithTimeoutInput?, string>
{
    public const string EventName = "Approval";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ApprovalWithTimeoutInput? input)
    {
        using var timerCancellation = new CancellationTokenSource();
        var approval = context.WaitForExternalEvent<bool>(EventName, timerCancellation.Token);
        var timeout = context.CreateTimer(TimeSpan.FromSeconds(input?.TimeoutSeconds ?? 60), timerCancellation.Token);
        var winner = await Task.WhenAny(approval, timeout);
        // Cancel the loser so the orchestration can complete without waiting for it.
        timerCancellation.Cancel();
        return winner == approval ? (approval.Result ? "approved" : "rejected") : "timed out";
    }
}
