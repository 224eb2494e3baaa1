using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Orchestrator.Functions.Http;
using Orchestrator.Functions.Orchestrations;
using Orchestrator.Functions.Scheduled;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.FunctionsApp.Tests;

/// <summary>The Functions app's triggers called as the Functions host calls them, over a mocked DurableTaskClient.</summary>
public sealed class FunctionTests : IDisposable
{
    private const string ProjectCode = "2603-141124-89-05-346948";
    private const string ItemCode = "S3-DRAWING-REVIEW";
    private static readonly string ProjectId = InstanceIds.Project(ProjectCode);
    private static readonly string ItemId = InstanceIds.Item(ProjectCode, ItemCode);

    private readonly FunctionTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private static JsonObject Filing() => new()
    {
        ["projectCode"] = ProjectCode,
        ["projectName"] = "标准化厂房二期 standardised factory phase II",
        ["uscc"] = "91350100M000100Y43",
        ["enterpriseName"] = "金昌示范制造有限公司",
        ["investmentNature"] = "EnterpriseFiling",
        ["totalInvestmentWan"] = 12000,
        ["landRightsHeld"] = true,
    };

    [Fact]
    public async Task Filing_a_project_starts_the_ProjectLifecycle_orchestration_under_the_projects_instance_id()
    {
        _host.Client.Setup(c => c.GetInstancesAsync(ProjectId, It.IsAny<bool>(), It.IsAny<CancellationToken>())).ReturnsAsync((OrchestrationMetadata?)null);
        _host.Client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(ProjectId);
        var request = _host.Request("POST", "/api/projects", FunctionTestHost.PlatformKey, Filing().ToJsonString());

        var result = await ProjectsFunctions.FileProject(request, _host.Client.Object, _host.Context("FileProject"));

        var (status, body) = await FunctionTestHost.AnswerAsync(request, result);
        Assert.Equal(201, status);
        Assert.Equal(ProjectId, JsonNode.Parse(body)!["instanceId"]!.GetValue<string>());
        _host.Client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            It.Is<TaskName>(n => n.Name == LifecycleOrchestrators.Project),
            It.Is<object?>(i => i is ProjectInput && ((ProjectInput)i).Request.ProjectCode == ProjectCode),
            It.Is<StartOrchestrationOptions?>(o => o != null && o.InstanceId == ProjectId),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_filing_with_bad_fields_is_refused_with_problem_json_and_never_reaches_the_client()
    {
        var filing = Filing();
        filing.Remove("uscc");
        filing["totalInvestmentWan"] = -1;
        var request = _host.Request("POST", "/api/projects", FunctionTestHost.PlatformKey, filing.ToJsonString());

        var (status, body) = await FunctionTestHost.AnswerAsync(request,
            await ProjectsFunctions.FileProject(request, _host.Client.Object, _host.Context("FileProject")));

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", request.HttpContext.Response.ContentType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("uscc"));
        Assert.True(errors.ContainsKey("totalInvestmentWan"));
        _host.Client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
        _host.Client.Verify(c => c.GetInstancesAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("not-a-key", 401)]
    [InlineData(FunctionTestHost.ViewerKey, 403)] // viewer reads only
    [InlineData(FunctionTestHost.HcdKey, 403)] // a department does not file
    public async Task Filing_needs_a_platform_or_ops_key(string? key, int expected)
    {
        var request = _host.Request("POST", "/api/projects", key, Filing().ToJsonString());

        var (status, body) = await FunctionTestHost.AnswerAsync(request,
            await ProjectsFunctions.FileProject(request, _host.Client.Object, _host.Context("FileProject")));

        Assert.Equal(expected, status);
        Assert.Contains(expected == 401 ? "x-functions-key" : "Nothing was stored", body);
        _host.Client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_decision_raises_the_Decision_event_on_the_items_instance()
    {
        SetupRunningProject();
        var request = _host.Request("POST", $"/api/departments/HCD/items/{ProjectCode}/{ItemCode}/decisions", FunctionTestHost.HcdKey,
            new { kind = "Approve", note = "drawings conform" }, idempotencyKey: "decision-1");

        var (status, body) = await FunctionTestHost.AnswerAsync(request,
            await DepartmentsFunctions.RecordDecision(request, "HCD", ProjectCode, ItemCode, _host.Client.Object, _host.Context("RecordDecision")));

        Assert.True(status == 202, $"{status}: {body}");
        _host.Client.Verify(c => c.RaiseEventAsync(ItemId, LifecycleEvents.Decision,
            It.Is<object?>(p => p is DepartmentDecision && ((DepartmentDecision)p).Kind == DecisionKind.Approve && ((DepartmentDecision)p).IdempotencyKey == "decision-1"),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Another_departments_key_may_not_decide_and_nothing_is_raised()
    {
        SetupRunningProject();
        var request = _host.Request("POST", $"/api/departments/HCD/items/{ProjectCode}/{ItemCode}/decisions", FunctionTestHost.DrcKey,
            new { kind = "Approve" }, idempotencyKey: "decision-2");

        var (status, body) = await FunctionTestHost.AnswerAsync(request,
            await DepartmentsFunctions.RecordDecision(request, "HCD", ProjectCode, ItemCode, _host.Client.Object, _host.Context("RecordDecision")));

        Assert.Equal(403, status);
        Assert.Contains("DRC", body);
        _host.Client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_decision_with_an_unknown_kind_is_refused_before_the_client_is_asked()
    {
        var request = _host.Request("POST", $"/api/departments/HCD/items/{ProjectCode}/{ItemCode}/decisions", FunctionTestHost.HcdKey,
            new { kind = "Maybe" }, idempotencyKey: "decision-3");

        var (status, _) = await FunctionTestHost.AnswerAsync(request,
            await DepartmentsFunctions.RecordDecision(request, "HCD", ProjectCode, ItemCode, _host.Client.Object, _host.Context("RecordDecision")));

        Assert.Equal(400, status);
        _host.Client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Reading_an_unknown_project_answers_404_problem_json()
    {
        // Project reads come from the read model (IProjectQueries over Azure tables): the seam is the query service here.
        var queries = new Mock<IProjectQueries>();
        queries.Setup(q => q.GetProjectAsync(ProjectCode, It.IsAny<CancellationToken>())).ReturnsAsync((ProjectView?)null);
        using var host = new FunctionTestHost(services: s => s.AddSingleton(queries.Object));
        var request = host.Request("GET", $"/api/projects/{ProjectCode}", FunctionTestHost.ViewerKey);

        var (status, body) = await FunctionTestHost.AnswerAsync(request,
            await ProjectsFunctions.GetProject(request, ProjectCode, host.Client.Object, host.Context("GetProject")));

        Assert.Equal(404, status);
        Assert.Contains("urn:orchestrator:problem:", body);
    }

    private static async IAsyncEnumerable<SlaBoardEntry> NothingDueSoon()
    {
        await Task.CompletedTask;
        yield break;
    }

    [Fact]
    public async Task The_timer_runs_the_sla_sweep_over_the_bound_client()
    {
        var board = new SlaBoard(DateTimeOffset.UtcNow, new DateOnly(2026, 3, 10), 0, 0, 1, [], [], [],
            [new SlaBoardEntry(ProjectCode, ItemCode, "HCD", ItemState.UnderReview, SlaLight.Red, DateTimeOffset.UtcNow.AddDays(-3),
                new DateOnly(2026, 3, 5), false, -3, 3, false, "statutory")]);
        var queries = new Mock<IProjectQueries>();
        queries.Setup(q => q.GetSlaBoardAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(board);
        queries.Setup(q => q.ListDueSoonAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).Returns(NothingDueSoon());
        var reports = new InMemorySlaReportStore();
        using var host = new FunctionTestHost(s =>
        {
            s.AddSingleton(queries.Object);
            s.AddSingleton<ISlaReportStore>(reports);
            s.AddSingleton(Mock.Of<INotificationOutbox>());
        });

        await SlaSweepTimerFunction.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), host.Client.Object, host.Context(SlaSweepTimerFunction.Name));

        host.Client.Verify(c => c.RaiseEventAsync(ProjectId, LifecycleEvents.EscalateOverdue, It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Once);
        var report = await reports.GetAsync(new DateOnly(2026, 3, 10));
        Assert.NotNull(report);
        Assert.Equal([$"{ProjectCode}/{ItemCode}"], report.Escalated);
    }

    [Fact]
    public async Task An_activity_trigger_runs_the_class_based_activity_with_its_services()
    {
        var context = new Mock<Microsoft.Azure.Functions.Worker.FunctionContext>();
        context.Setup(c => c.InstanceServices).Returns(_host.Services);
        var binding = new Mock<Microsoft.Azure.Functions.Worker.BindingContext>();
        binding.Setup(b => b.BindingData).Returns(new Dictionary<string, object?> { ["instanceId"] = ProjectId });
        context.Setup(c => c.BindingContext).Returns(binding.Object);

        var rules = await LifecycleActivityFunctions.LoadLifecycleRulesActivity("", context.Object);

        Assert.NotNull(rules);
    }

    [Fact]
    public void With_otlp_export_the_app_composes_its_tracer()
    {
        using var host = new FunctionTestHost(settings: new Dictionary<string, string?> { ["Observability:Exporter"] = "otlp" });
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    /// <summary>The project's custom status as the lifecycle writes it: one HCD item under review, its round running.</summary>
    private void SetupRunningProject()
    {
        var item = new JsonObject
        {
            ["instanceId"] = ItemId, ["sequence"] = 1, ["projectCode"] = ProjectCode, ["round"] = 1, ["state"] = "UnderReview",
            ["item"] = new JsonObject { ["code"] = ItemCode, ["departmentCode"] = "HCD", ["stage"] = 3, ["prerequisites"] = new JsonArray() },
            ["missingMaterials"] = new JsonArray(), ["decisions"] = new JsonArray(), ["ignored"] = new JsonArray(),
        };
        var itemStatus = item.Deserialize<ItemStatus>(DomainJson.Wire)!;
        // The project's small custom status names its rounds; the round's own custom status is the item's truth.
        var status = new ProjectCustomStatus(ProjectCode, ProjectPhase.InApproval, 3, 1, true, 1, 0, 0,
            [new RoundRef(ItemCode, ItemId, 1, ItemRoundPurpose.Approval, ItemState.UnderReview)], DateTimeOffset.UtcNow);
        var converter = new JsonDataConverter(DomainJson.Wire);
        _host.Client.Setup(c => c.GetInstancesAsync(ProjectId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Running(LifecycleOrchestrators.Project, ProjectId, converter.Serialize(status), converter));
        _host.Client.Setup(c => c.GetInstancesAsync(ItemId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Running(LifecycleOrchestrators.Item, ItemId, converter.Serialize(itemStatus), converter));
        _host.Client.Setup(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Returns(Task.CompletedTask);
    }

    private static OrchestrationMetadata Running(string name, string id, string? customStatus, DataConverter converter)
    {
        var m = new OrchestrationMetadata(name, id)
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Running,
            SerializedCustomStatus = customStatus,
            CreatedAt = DateTimeOffset.UtcNow, LastUpdatedAt = DateTimeOffset.UtcNow,
        };
        // The client sets the converter that ReadCustomStatusAs uses (an internal init property).
        typeof(OrchestrationMetadata).GetProperty("DataConverter", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.SetValue(m, converter);
        return m;
    }
}
