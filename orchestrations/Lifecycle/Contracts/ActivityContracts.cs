using Orchestrator.Orchestrations.Credit;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Input of <see cref="LifecycleActivities.BuildApprovalPlan"/>: the filing, the credit fetched, the filing instant.</summary>
public sealed record BuildPlanInput(FileProjectRequest Request, EnterpriseCredit Credit, DateTimeOffset FiledAt);

/// <summary>Input of <see cref="LifecycleActivities.RecordFiling"/>: records the filing (备案) and the credit filing certificate (信用备案证) at once.</summary>
public sealed record RecordFilingInput(string ProjectCode, string ProjectName, string Uscc, string EnterpriseName, DateTimeOffset FiledAt, string CatalogVersion);

/// <summary>Input of <see cref="LifecycleActivities.PublishCommitments"/>: the enterprise's commitments, published (公示).</summary>
public sealed record PublishCommitmentsInput(string ProjectCode, string Uscc, IReadOnlyList<CommitmentRecord> Commitments);

/// <summary>Input of <see cref="LifecycleActivities.RecordCreditEvent"/>; <paramref name="Key"/> makes the write idempotent.</summary>
public sealed record CreditEventInput(string Key, string Uscc, string ProjectCode, string ItemCode, CreditEvent Event, DateTimeOffset At, string Note);

/// <summary>A notification to send through the outbox; <paramref name="Key"/> is its id (a retried activity enqueues it once).</summary>
/// <param name="Recipient"><c>enterprise:{uscc}</c>, <c>department:{code}</c>, <c>agency-centre</c>, <c>leadership</c>, <c>ops</c>.</param>
/// <param name="Kind">e.g. filed, sla-warning, overdue, escalated, reminder-due-today.</param>
public sealed record NotificationRequest(string Key, string? ProjectCode, string Recipient, string Kind, string Subject, string Body);
