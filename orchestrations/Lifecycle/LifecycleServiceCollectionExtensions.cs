using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle.Activities;
using Orchestrator.Orchestrations.Lifecycle.Orchestrators;
using Orchestrator.Orchestrations.Lifecycle.Services;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.ReadModel;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>The single composition point of the project lifecycle.</summary>
public static class LifecycleServiceCollectionExtensions
{
    /// <summary>
    /// Registers the lifecycle: the approval domain (if not yet), options from section <c>Lifecycle</c>, the orchestrators
    /// (<see cref="LifecycleOrchestrators"/>) and activities in the engine's registry, the credit registry, notification
    /// outbox and SLA report store (Azure tables on the engine's storage account), the
    /// notification drain loop with the log sender, <see cref="IProjectCommands"/>, <see cref="IProjectQueries"/> and
    /// <see cref="SlaSweepService"/>. Registrations made before this call (e.g. a real <see cref="INotificationSender"/>) win.
    /// </summary>
    public static IServiceCollection AddApprovalLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.All(d => d.ServiceType != typeof(ApprovalPlanner))) services.AddApprovalDomain(configuration);
        var section = configuration.GetSection(LifecycleOptions.SectionName);
        services.AddOptions<LifecycleOptions>().Bind(section).Validate(o => o.SlaMarginDays >= 0 && o.JointMeetingConveneLimitDays > 0
            && o.LeadershipLimitDays > 0 && o.JointAcceptanceLimitDays > 0 && o.ConversionDays > 0 && o.SimulatedValidityYears > 0,
            "Lifecycle: SlaMarginDays must be 0 or more; the limits (JointMeetingConveneLimitDays, LeadershipLimitDays, JointAcceptanceLimitDays, ConversionDays, SimulatedValidityYears) must be positive.");
        // The SLA margin (黄灯) of the lifecycle drives the domain clock reading when configured here.
        if (section["SlaMarginDays"] is { Length: > 0 })
            services.PostConfigure<ClockOptions>(o => o.WarningMarginDays = int.Parse(section["SlaMarginDays"]!));

        services.AddDurableTaskWorker(worker => worker.AddTasks(AddLifecycleTasks));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new LifecycleTables(LifecycleTables.ConnectionString(configuration)));
        services.TryAddSingleton<ICreditRegistry>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LifecycleOptions>>().Value;
            var seedPath = CreditSeed.Resolve(sp.GetRequiredService<IOptions<DomainOptions>>().Value.EffectiveDataPath, o.CreditSeedFile);
            var seed = File.Exists(seedPath) ? CreditSeed.Load(seedPath) : [];
            var policy = sp.GetRequiredService<CreditPolicy>();
            return new TableCreditRegistry(sp.GetRequiredService<LifecycleTables>(), o.Tables.EnterpriseCredit, policy, seed);
        });
        services.TryAddSingleton<INotificationOutbox>(sp =>
            new TableNotificationOutbox(sp.GetRequiredService<LifecycleTables>(), sp.GetRequiredService<IOptions<LifecycleOptions>>().Value.Tables.Notifications));
        services.TryAddSingleton<ISlaReportStore>(sp =>
            new TableSlaReportStore(sp.GetRequiredService<LifecycleTables>(), sp.GetRequiredService<IOptions<LifecycleOptions>>().Value.Tables.SlaReports));
        services.AddHostedService<CreditSeedHostedService>();
        services.TryAddSingleton<INotificationSender, LogNotificationSender>();
        services.TryAddSingleton<NotificationDispatcher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<NotificationDispatcher>());

        services.TryAddSingleton(sp => new ReadModelTables(sp.GetRequiredService<LifecycleTables>(), sp.GetRequiredService<IOptions<LifecycleOptions>>()));
        services.TryAddSingleton<ReadModelWriter>();
        services.TryAddSingleton<ReadModelRebuilder>();
        services.TryAddSingleton<IProjectCommands, ProjectCommands>();
        services.TryAddSingleton<IProjectQueries, ProjectQueries>();
        services.TryAddSingleton<SlaSweepService>();
        return services;
    }

    /// <summary>The lifecycle's orchestrators (<see cref="LifecycleOrchestrators"/>) and activities, for any worker's registry.</summary>
    public static void AddLifecycleTasks(DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<ProjectLifecycleOrchestrator>(LifecycleOrchestrators.Project);
        registry.AddOrchestrator<ApprovalItemOrchestrator>(LifecycleOrchestrators.Item);
        registry.AddOrchestrator<JointMeetingOrchestrator>(LifecycleOrchestrators.JointMeeting);
        registry.AddActivity<LoadLifecycleRules>(LifecycleActivities.LoadLifecycleRules);
        registry.AddActivity<FetchCredit>(LifecycleActivities.FetchCredit);
        registry.AddActivity<BuildApprovalPlan>(LifecycleActivities.BuildApprovalPlan);
        registry.AddActivity<RecordFiling>(LifecycleActivities.RecordFiling);
        registry.AddActivity<PublishCommitments>(LifecycleActivities.PublishCommitments);
        registry.AddActivity<Notify>(LifecycleActivities.Notify);
        registry.AddActivity<RecordCreditEvent>(LifecycleActivities.RecordCreditEvent);
        registry.AddActivity<PublishProjectReadModel>(LifecycleActivities.PublishProjectReadModel);
    }
}
