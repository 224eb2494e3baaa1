using Orchestrator.Orchestrations.ReadModel;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Lifecycle.Activities;
using Orchestrator.Orchestrations.Lifecycle.Orchestrators;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Functions.Orchestrations;

/// <summary>
/// An orchestration trigger per lifecycle orchestrator, each running the class the self-host runs
/// (<see cref="LifecycleServiceCollectionExtensions.AddLifecycleTasks"/>). The function name is the registered
/// name (<see cref="LifecycleOrchestrators"/>): orchestrators start sub-orchestrations by it.
/// </summary>
public static class LifecycleOrchestratorFunctions
{
    [Function(LifecycleOrchestrators.Project)]
    public static Task<ProjectStatus> ProjectLifecycle([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ProjectLifecycleOrchestrator().RunAsync(context, context.GetInput<ProjectInput>()!);

    [Function(LifecycleOrchestrators.Item)]
    public static Task<ItemStatus> ApprovalItem([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ApprovalItemOrchestrator().RunAsync(context, context.GetInput<ItemInput>()!);

    [Function(LifecycleOrchestrators.JointMeeting)]
    public static Task<JointMeetingStatus> JointMeeting([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new JointMeetingOrchestrator().RunAsync(context, context.GetInput<JointMeetingInput>()!);
}

/// <summary>
/// An activity trigger per lifecycle activity (<see cref="LifecycleActivities"/> names), each running the class-based
/// activity with its constructor dependencies from the app's services, as the self-host's worker does.
/// </summary>
public static class LifecycleActivityFunctions
{
    [Function(LifecycleActivities.LoadLifecycleRules)]
    public static Task<LifecycleRules> LoadLifecycleRulesActivity([ActivityTrigger] string input, FunctionContext context) =>
        Run<LoadLifecycleRules, string, LifecycleRules>(context, LifecycleActivities.LoadLifecycleRules, input);

    [Function(LifecycleActivities.FetchCredit)]
    public static Task<EnterpriseCredit> FetchCreditActivity([ActivityTrigger] string uscc, FunctionContext context) =>
        Run<FetchCredit, string, EnterpriseCredit>(context, LifecycleActivities.FetchCredit, uscc);

    [Function(LifecycleActivities.BuildApprovalPlan)]
    public static Task<ApprovalPlan> BuildApprovalPlanActivity([ActivityTrigger] BuildPlanInput input, FunctionContext context) =>
        Run<BuildApprovalPlan, BuildPlanInput, ApprovalPlan>(context, LifecycleActivities.BuildApprovalPlan, input);

    [Function(LifecycleActivities.RecordFiling)]
    public static Task<CreditFiling> RecordFilingActivity([ActivityTrigger] RecordFilingInput input, FunctionContext context) =>
        Run<RecordFiling, RecordFilingInput, CreditFiling>(context, LifecycleActivities.RecordFiling, input);

    [Function(LifecycleActivities.PublishCommitments)]
    public static Task<bool> PublishCommitmentsActivity([ActivityTrigger] PublishCommitmentsInput input, FunctionContext context) =>
        Run<PublishCommitments, PublishCommitmentsInput, bool>(context, LifecycleActivities.PublishCommitments, input);

    [Function(LifecycleActivities.Notify)]
    public static Task<bool> NotifyActivity([ActivityTrigger] List<NotificationRequest> input, FunctionContext context) =>
        Run<Notify, List<NotificationRequest>, bool>(context, LifecycleActivities.Notify, input);

    [Function(LifecycleActivities.RecordCreditEvent)]
    public static Task<CreditScoreChange> RecordCreditEventActivity([ActivityTrigger] CreditEventInput input, FunctionContext context) =>
        Run<RecordCreditEvent, CreditEventInput, CreditScoreChange>(context, LifecycleActivities.RecordCreditEvent, input);

    [Function(LifecycleActivities.PublishProjectReadModel)]
    public static Task<bool> PublishProjectReadModelActivity([ActivityTrigger] ReadModelUpdate input, FunctionContext context) =>
        Run<PublishProjectReadModel, ReadModelUpdate, bool>(context, LifecycleActivities.PublishProjectReadModel, input);

    internal static Task<TOut> Run<TActivity, TIn, TOut>(FunctionContext context, string name, TIn input)
        where TActivity : TaskActivity<TIn, TOut>
    {
        var activity = ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices);
        var instanceId = context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? "" : "";
        return activity.RunAsync(new FunctionActivityContext(name, instanceId), input);
    }

    private sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;
        public override string InstanceId { get; } = instanceId;
    }
}
