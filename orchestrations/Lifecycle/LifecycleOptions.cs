namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Lifecycle settings, bound from configuration section <c>Lifecycle</c>. Defaults follow the domain facts.</summary>
public sealed class LifecycleOptions
{
    public const string SectionName = "Lifecycle";

    /// <summary>SLA warning margin (黄灯): working days left, today included, at which the department is warned. Default 2.</summary>
    public int SlaMarginDays { get; set; } = 2;

    /// <summary>Working days within which the agency centre must convene the joint meeting (联席会议) after an item goes overdue. Default 3.</summary>
    public int JointMeetingConveneLimitDays { get; set; } = 3;

    /// <summary>Working days the government leadership (疑难会商) has to resolve a case the joint meeting did not. Default 5.</summary>
    public int LeadershipLimitDays { get; set; } = 5;

    /// <summary>Working days a joint-meeting follow-up deadline gets when the resolution names none for an item. Default 3.</summary>
    public int DefaultFollowUpDays { get; set; } = 3;

    /// <summary>Working days of the one deadline shared by the joint acceptance items (联合验收, typically 5-10). Default 10.</summary>
    public int JointAcceptanceLimitDays { get; set; } = 10;

    /// <summary>Department that leads joint acceptance (牵头部门). Default HCD (housing and urban-rural development).</summary>
    public string JointAcceptanceLeadDepartment { get; set; } = "HCD";

    /// <summary>Item that grants the construction permit: never granted while any opinion is still simulated. Default S3-CONSTRUCTION-PERMIT.</summary>
    public string ConstructionPermitItem { get; set; } = "S3-CONSTRUCTION-PERMIT";

    /// <summary>Working days to turn every simulated opinion into a formal approval once land rights are obtained (文件转换). Default 3.</summary>
    public int ConversionDays { get; set; } = 3;

    /// <summary>Validity of simulated opinions in years (模拟审批意见有效期). Default 1.</summary>
    public int SimulatedValidityYears { get; set; } = 1;

    /// <summary>Zone used when a filing names none (no regional assessments). Default OUTSIDE-ZONE.</summary>
    public string DefaultZone { get; set; } = "OUTSIDE-ZONE";

    /// <summary>Daily SLA sweep (scheduled function "SlaSweep").</summary>
    public SlaSweepOptions Sweep { get; set; } = new();

    /// <summary>Storage of the lifecycle's own tables (Azure backend); the connection string is Durable:AzureStorage:ConnectionString.</summary>
    public LifecycleTableOptions Tables { get; set; } = new();

    /// <summary>Credit registry seed file, relative to the domain data folder (or absolute). Default credit/sample-enterprises.json.</summary>
    public string CreditSeedFile { get; set; } = "credit/sample-enterprises.json";

    /// <summary>Notification outbox drain loop.</summary>
    public NotificationOptions Notifications { get; set; } = new();
}

/// <summary>The daily SLA sweep (红黄灯 board, reminders, safety-net escalation).</summary>
public sealed class SlaSweepOptions
{
    /// <summary>Cron (5 fields) evaluated in <see cref="TimeZone"/>; default 08:30 Monday to Sunday, skipped on non-working days by the domain calendar.</summary>
    public string Cron { get; set; } = "30 8 * * *";

    /// <summary>Time zone of the cron; default Asia/Shanghai.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Run only on working days of the domain calendar (so the working Saturday 2026-02-14 runs and the Spring Festival does not). Default true.</summary>
    public bool WorkingDaysOnly { get; set; } = true;
}

/// <summary>Table names of the lifecycle (Azure Storage backend).</summary>
public sealed class LifecycleTableOptions
{
    /// <summary>Enterprises' credit, credit events, filings and published commitments (one partition per enterprise).</summary>
    public string EnterpriseCredit { get; set; } = "EnterpriseCredit";
    /// <summary>Notification outbox.</summary>
    public string Notifications { get; set; } = "Notifications";
    /// <summary>Daily SLA reports.</summary>
    public string SlaReports { get; set; } = "SlaReports";
    /// <summary>Read model: one row per project (lists and filters).</summary>
    public string Projects { get; set; } = "Projects";
    /// <summary>Read model: one partition per project (items, timeline, escalations, summary).</summary>
    public string ProjectDetails { get; set; } = "ProjectDetails";
    /// <summary>Read model: open items by department and due date, with per-day counters (lists, SLA board, sweep); the prefix of a table per department (<c>DepartmentItemsHCD</c>…).</summary>
    public string DepartmentItems { get; set; } = "DepartmentItems";
    /// <summary>Read model: escalations (partition <c>open</c> for the open ones, <c>all</c> for every one).</summary>
    public string Escalations { get; set; } = "Escalations";
}

/// <summary>Notification outbox drain loop.</summary>
public sealed class NotificationOptions
{
    /// <summary>Run the drain loop in this process. Default true.</summary>
    public bool DrainEnabled { get; set; } = true;
    /// <summary>Pause between drains when the outbox is empty. Default 5 s.</summary>
    public TimeSpan DrainInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Notifications sent per drain. Default 100.</summary>
    public int BatchSize { get; set; } = 100;
}
