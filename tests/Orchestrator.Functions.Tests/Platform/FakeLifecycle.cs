using System.Collections.Concurrent;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>
/// A recording stand-in for the lifecycle's commands and queries, to test what the HTTP layer sends, answers and
/// refuses without running orchestrations. Every call that reaches it is recorded, so "nothing recorded" means the
/// HTTP layer refused before the lifecycle was asked.
/// </summary>
public sealed class FakeLifecycle : IProjectCommands, IProjectQueries
{
    private readonly ConcurrentDictionary<string, FileProjectRequest> _filed = new();
    private readonly ConcurrentDictionary<string, bool> _keys = new();

    public ConcurrentQueue<(string Command, string ProjectCode, string? ItemCode, object Payload)> Calls { get; } = new();

    /// <summary>Answer of item commands (decisions, materials); default: Applied, Duplicate for a key seen before.</summary>
    public Func<string, string, CommandResult?>? ItemAnswer { get; set; }

    public IReadOnlyList<ProjectSummary> Summaries { get; set; } = [];
    public ProjectListQuery? LastListQuery { get; private set; }

    public IEnumerable<(string Command, string ProjectCode, string? ItemCode, object Payload)> CallsFor(string projectCode) =>
        Calls.Where(c => c.ProjectCode == projectCode);

    public Task<FileProjectResult> FileProjectAsync(FileProjectRequest request, CancellationToken ct = default)
    {
        Calls.Enqueue(("file", request.ProjectCode, null, request));
        var created = _filed.TryAdd(request.ProjectCode, request);
        return Task.FromResult(new FileProjectResult(created ? FileProjectOutcome.Created : FileProjectOutcome.Existing, request.ProjectCode,
            InstanceIds.Project(request.ProjectCode), [], []));
    }

    public Task<CommandResult> RecordDecisionAsync(string departmentCode, string projectCode, string itemCode, DepartmentDecision decision, CancellationToken ct = default) =>
        Item("decision", projectCode, itemCode, decision, decision.IdempotencyKey);

    public Task<CommandResult> SubmitMaterialsAsync(string projectCode, string itemCode, MaterialsSupplied materials, CancellationToken ct = default) =>
        Item("materials", projectCode, itemCode, materials, materials.IdempotencyKey);

    public Task<CommandResult> ReportLandRightsAsync(string projectCode, LandRightsObtained landRights, CancellationToken ct = default) =>
        Project("land-rights", projectCode, landRights, landRights.IdempotencyKey);

    public Task<CommandResult> ReportMaterialChangeAsync(string projectCode, MaterialChange change, CancellationToken ct = default) =>
        Project("material-change", projectCode, change, change.IdempotencyKey);

    public Task<CommandResult> ReportConstructionFinishedAsync(string projectCode, ConstructionFinished finished, CancellationToken ct = default) =>
        Project("construction-finished", projectCode, finished, finished.IdempotencyKey);

    public Task<CommandResult> RecordJointMeetingResolutionAsync(string projectCode, int sequence, JointMeetingResolution resolution, CancellationToken ct = default) =>
        Project("meeting", projectCode, resolution, resolution.IdempotencyKey);

    private Task<CommandResult> Item(string command, string projectCode, string itemCode, object payload, string key)
    {
        if (ItemAnswer?.Invoke(projectCode, itemCode) is { } answer)
        {
            if (answer.Outcome == CommandOutcome.Applied) Calls.Enqueue((command, projectCode, itemCode, payload));
            return Task.FromResult(answer);
        }
        if (!_filed.ContainsKey(projectCode)) return Task.FromResult(CommandResult.NotFound($"Project {projectCode} is not filed."));
        var id = InstanceIds.Item(projectCode, itemCode);
        if (!_keys.TryAdd($"{id}|{key}", true)) return Task.FromResult(new CommandResult(CommandOutcome.Duplicate, id, ItemState.UnderReview, "Seen before."));
        Calls.Enqueue((command, projectCode, itemCode, payload));
        return Task.FromResult(new CommandResult(CommandOutcome.Applied, id, ItemState.UnderReview, "Raised."));
    }

    private Task<CommandResult> Project(string command, string projectCode, object payload, string key)
    {
        if (!_filed.ContainsKey(projectCode)) return Task.FromResult(CommandResult.NotFound($"Project {projectCode} is not filed."));
        var id = InstanceIds.Project(projectCode);
        if (!_keys.TryAdd($"{id}|{key}", true)) return Task.FromResult(new CommandResult(CommandOutcome.Duplicate, id, null, "Seen before."));
        Calls.Enqueue((command, projectCode, null, payload));
        return Task.FromResult(new CommandResult(CommandOutcome.Applied, id, null, "Raised."));
    }

    public Task<ProjectView?> GetProjectAsync(string projectCode, CancellationToken ct = default)
    {
        if (!_filed.TryGetValue(projectCode, out var r)) return Task.FromResult<ProjectView?>(null);
        var enterprise = new EnterpriseInfo(r.Uscc, r.EnterpriseName, null, null, false, false, []);
        return Task.FromResult<ProjectView?>(new ProjectView(r.ProjectCode, r.ProjectName, InstanceIds.Project(r.ProjectCode), enterprise,
            ProjectPhase.InApproval, 1, "立项用地规划许可", "Running", DateTimeOffset.UnixEpoch, null, null, r.LandRightsHeld, false, SlaLight.Green,
            [], [], [], [], [], DateTimeOffset.UnixEpoch));
    }

    public Task<ApprovalPlan?> GetPlanAsync(string projectCode, CancellationToken ct = default) => Task.FromResult<ApprovalPlan?>(null);

    public Task<Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default)
    {
        LastListQuery = query;
        var start = query.ContinuationToken is null ? 0 : int.Parse(query.ContinuationToken.TrimStart('p'));
        var items = Summaries.Skip(start).Take(query.PageSize).ToList();
        var next = start + items.Count < Summaries.Count ? $"p{start + items.Count}" : null;
        return Task.FromResult(new Page<ProjectSummary>(items, next));
    }

    public Task<IReadOnlyList<DepartmentItemView>> ListDepartmentItemsAsync(string departmentCode, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<DepartmentItemView>>([]);

    public Task<SlaBoard> GetSlaBoardAsync(DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult(new SlaBoard(now, DateOnly.FromDateTime(now.UtcDateTime), 0, 0, 0, [], [], [], []));

    public Task<IReadOnlyList<EscalationView>> ListEscalationsAsync(bool openOnly = true, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<EscalationView>>([]);
}
