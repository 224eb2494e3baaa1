using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations.Lifecycle.Activities;

/// <summary>
/// The rules a project decides on (working-day calendar, warning margin, lifecycle limits) from the current configuration;
/// recorded in the project's history, so a replay after a configuration change uses the rules the project started with.
/// </summary>
public sealed class LoadLifecycleRules(WorkingCalendar calendar, IOptions<ClockOptions> clock, IOptions<LifecycleOptions> options) : TaskActivity<string, LifecycleRules>
{
    public override Task<LifecycleRules> RunAsync(TaskActivityContext context, string projectCode) =>
        Task.FromResult(LifecycleRules.From(calendar, clock.Value, options.Value));
}

/// <summary>Fetches the enterprise's credit (信用) from the registry; an unknown enterprise starts ungraded with the initial score.</summary>
public sealed class FetchCredit(ICreditRegistry registry, CreditPolicy policy) : TaskActivity<string, EnterpriseCredit>
{
    public override async Task<EnterpriseCredit> RunAsync(TaskActivityContext context, string uscc) =>
        await registry.FindAsync(uscc, CancellationToken.None)
        ?? new EnterpriseCredit(uscc, null, false, false, policy.Options.Scoring.InitialScore);
}

/// <summary>Produces the approval map (一张图) with the domain planner; recorded in history, so replays never re-plan.</summary>
public sealed class BuildApprovalPlan(ApprovalPlanner planner, IOptions<LifecycleOptions> options) : TaskActivity<BuildPlanInput, ApprovalPlan>
{
    public override Task<ApprovalPlan> RunAsync(TaskActivityContext context, BuildPlanInput input) =>
        Task.FromResult(planner.Plan(ToProfile(input, options.Value), ChinaTime.LocalDate(input.FiledAt)));

    /// <summary>The planner's view of a filing.</summary>
    public static ProjectProfile ToProfile(BuildPlanInput input, LifecycleOptions options)
    {
        var r = input.Request;
        return new ProjectProfile
        {
            ProjectCode = r.ProjectCode,
            EnterpriseUscc = r.Uscc,
            UsccIsLegacyRecord = !UnifiedSocialCreditCode.Validate(r.Uscc).IsValid,
            Credit = input.Credit,
            InvestmentNature = r.InvestmentNature,
            InvestmentWan = r.TotalInvestmentWan,
            MajorProjectLevel = r.MajorProjectLevel,
            Sector = r.Sector,
            ZoneCode = string.IsNullOrWhiteSpace(r.ZoneCode) ? options.DefaultZone : r.ZoneCode,
            LandRightsHeld = r.LandRightsHeld,
            SiteConditions = r.SiteConditions ?? [],
            ChosenCommitments = r.ChosenCommitments ?? [],
            ChosenTolerance = r.Tolerance?.Select(t => t.ItemCode).ToList() ?? [],
        };
    }
}

/// <summary>Records the filing at once (秒批) and the credit filing certificate (信用备案证).</summary>
public sealed class RecordFiling(ICreditRegistry registry) : TaskActivity<RecordFilingInput, CreditFiling>
{
    public override Task<CreditFiling> RunAsync(TaskActivityContext context, RecordFilingInput input) =>
        registry.RecordFilingAsync(input, CancellationToken.None);
}

/// <summary>Publishes the enterprise's commitments (承诺公示).</summary>
public sealed class PublishCommitments(ICreditRegistry registry) : TaskActivity<PublishCommitmentsInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PublishCommitmentsInput input)
    {
        await registry.PublishCommitmentsAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>Puts notifications in the outbox (idempotent on their keys); the dispatcher sends them.</summary>
public sealed class Notify(INotificationOutbox outbox, TimeProvider time) : TaskActivity<List<NotificationRequest>, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, List<NotificationRequest> input)
    {
        await outbox.EnqueueAsync(input, time.GetUtcNow(), CancellationToken.None);
        return true;
    }
}

/// <summary>Records a credit event on the enterprise (kept/broken commitment, tolerance materials), once per key.</summary>
public sealed class RecordCreditEvent(ICreditRegistry registry) : TaskActivity<CreditEventInput, CreditScoreChange>
{
    public override async Task<CreditScoreChange> RunAsync(TaskActivityContext context, CreditEventInput input) =>
        CreditScoring.ToChange(await registry.RecordEventAsync(input, CancellationToken.None));
}
