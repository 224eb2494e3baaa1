using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Microsoft.DurableTask;
using Orchestrator.SelfHost.Durable;
using Orchestrator.SelfHost.Scheduling;
using Orchestrator.Functions.Tests.Infrastructure;
using Orchestrator.Orchestrations.Lifecycle;
using Xunit.Abstractions;

namespace Orchestrator.Functions.Tests.Dashboard;

/// <summary>
/// One real host (DTFx on the shared Azurite, diagnostics on) and one headless Chromium for the dashboard's browser tests.
/// The host also has: an orchestration that always fails, two scheduled functions (one failing) with a run each,
/// and a stand-in lifecycle read side with a fixed SLA board and escalations (the board's rendering is what is
/// tested here; the real lifecycle is exercised in <see cref="DashboardProjectTests"/>).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string FailingOrchestration = "DashboardAlwaysFails";
    public const string FailureMessage = "The test asked for a failure: record 42 is malformed";
    public const string Run = "dash";

    private IPlaywright? _playwright;

    public HostUnderTest Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Ops { get; private set; } = null!;

    /// <summary>Three HelloSequence instances (ids dash-hello-1..3), all completed.</summary>
    public IReadOnlyList<string> HelloIds { get; } = ["dash-hello-1", "dash-hello-2", "dash-hello-3"];
    /// <summary>25 completed instances for paging (ids dash-page-00..24).</summary>
    public IReadOnlyList<string> PageIds { get; } = Enumerable.Range(0, 25).Select(i => $"dash-page-{i:00}").ToList();
    public string FailedId => "dash-fail-1";

    public const string AppVersion = "3";
    public string ApprovalForViewer => "dash-approval-viewer";
    /// <summary>A scheduled run a minute old: its function has run, its instance still holds the occurrence's id.</summary>
    public string HeldRunId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // The app's orchestration version: every instance this fixture starts records it (the list shows and filters it).
        Host = await HostUnderTest.StartAsync(settings: s => s["Durable:Versioning:Version"] = AppVersion, configure: builder =>
        {
            builder.AddDurableRegistrations(registry =>
            {
                registry.AddOrchestratorFunc<object?, string>(FailingOrchestration, async (context, _) =>
                    await context.CallActivityAsync<string>("DashboardBoom", (object?)null));
                Func<TaskActivityContext, object?, string> boom = (_, _) => throw new InvalidOperationException(FailureMessage);
                registry.AddActivityFunc("DashboardBoom", boom);
            });
            builder.AddScheduledFunction<NightlyReport>("NightlyReport", "0 2 * * *");
            builder.AddScheduledFunction<BrokenExport>("BrokenExport", "30 3 * * *");
            builder.Services.AddSingleton<IProjectQueries, StubProjectQueries>();
        });
        Ops = Host.Client();

        foreach (var id in HelloIds) await Ops.StartAsync("HelloSequence", """{"count":2,"delayMs":0}""", id);
        foreach (var id in PageIds) await Ops.StartAsync("HelloSequence", """{"count":0,"delayMs":0}""", id);
        await Ops.StartAsync(FailingOrchestration, null, FailedId);
        await Ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", ApprovalForViewer);

        var scheduler = Host.Services.GetRequiredService<ScheduledFunctionScheduler>();
        await scheduler.TryStartOccurrenceAsync("NightlyReport", new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero));
        await scheduler.TryStartOccurrenceAsync("BrokenExport", new DateTimeOffset(2026, 11, 20, 3, 30, 0, TimeSpan.Zero));
        var recent = DateTimeOffset.UtcNow.AddMinutes(-1);
        HeldRunId = ScheduledFunctionScheduler.InstanceIdFor("NightlyReport", recent);
        await scheduler.TryStartOccurrenceAsync("NightlyReport", recent); // ran, then holds its id (Schedules:DuplicateGuard)

        foreach (var id in HelloIds.Concat(PageIds).Append(FailedId)) await Ops.WaitForEndAsync(id);
        await Ops.WaitForEndAsync(ScheduledFunctionScheduler.InstanceIdFor("NightlyReport", new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero)));
        await Ops.WaitForEndAsync(ScheduledFunctionScheduler.InstanceIdFor("BrokenExport", new DateTimeOffset(2026, 11, 20, 3, 30, 0, TimeSpan.Zero)));
        await Ops.WaitForStatusAsync(ApprovalForViewer, "Running");
        var heldUntil = DateTime.UtcNow.AddSeconds(30);
        while ((await Ops.GetStringAsync($"{HostUnderTest.Prefix}/instances/{Uri.EscapeDataString(HeldRunId)}")).Contains("\"ran\":true") is false
               && DateTime.UtcNow < heldUntil)
        {
            await Task.Delay(50);
        }

        (_playwright, Browser) = await Dashboard.Browser.LaunchAsync();
    }

    /// <summary>A fresh browser context (own sessionStorage) on the dashboard, signed in with <paramref name="key"/> (none: not signed in).</summary>
    public async Task<IPage> OpenDashboardAsync(string? key)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") Console.WriteLine($"[browser console] {message.Text}"); };
        page.PageError += (_, error) => Console.WriteLine($"[browser error] {error}");
        await page.GotoAsync(new Uri(Host.BaseAddress, "/dashboard").ToString());
        if (key is not null)
        {
            await page.FillAsync("#key-input", key);
            await page.ClickAsync("#key-use");
            await page.Locator("#who-text").WaitForAsync();
        }
        return page;
    }

    /// <summary>Saves a full-page screenshot under TestResults/screenshots and prints where.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper? output = null)
    {
        var path = Path.Combine(Dashboard.Browser.ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output?.WriteLine($"screenshot: {path}");
        Console.WriteLine($"screenshot: {path}");
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        Ops?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
    }

    private sealed class NightlyReport : IScheduledFunction
    {
        public Task RunAsync(ScheduledFunctionContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class BrokenExport : IScheduledFunction
    {
        public Task RunAsync(ScheduledFunctionContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("export target is not reachable");
    }
}

/// <summary>A fixed read side: two departments with green, yellow and red clocks, and one open escalation.</summary>
internal sealed class StubProjectQueries(TimeProvider time) : IProjectQueries
{
    public const string ProjectCode = "2611-000000-00-01-000001";

    public Task<SlaBoard> GetSlaBoardAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        SlaBoardEntry Entry(string item, string dept, SlaLight light, int daysRemaining, int late) => new(ProjectCode, item, dept,
            ItemState.UnderReview, light, now.AddDays(daysRemaining), today.AddDays(daysRemaining), false, daysRemaining, late, false, "decision");
        var nr = new[] { Entry("LAND-USE", "NATURAL-RESOURCES", SlaLight.Green, 5, 0), Entry("PLANNING", "NATURAL-RESOURCES", SlaLight.Yellow, 1, 0) };
        var housing = new[] { Entry("CONSTRUCTION-PERMIT", "HOUSING", SlaLight.Red, -2, 2) };
        return Task.FromResult(new SlaBoard(now, today, 1, 1, 1,
        [
            new SlaBoardDepartment("HOUSING", 0, 0, 1, housing),
            new SlaBoardDepartment("NATURAL-RESOURCES", 1, 1, 0, nr),
        ], [], [nr[1]], [housing[0]], DueTodayCount: 0, DueNextWorkingDayCount: 120)); // more due than the list holds, as at province scale
    }

    public Task<IReadOnlyList<EscalationView>> ListEscalationsAsync(bool openOnly = true, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<EscalationView>>(
        [
            new EscalationView(ProjectCode, InstanceIds.JointMeeting(ProjectCode, 1), 1, EscalationCause.DecisionOverdue, ["CONSTRUCTION-PERMIT"],
                ["HOUSING"], EscalationLevel.JointMeeting, EscalationState.Open, time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddDays(2), null, null),
        ]);

    public Task<ProjectView?> GetProjectAsync(string projectCode, CancellationToken ct = default) => Task.FromResult<ProjectView?>(null);
    public Task<Orchestrations.Plan.ApprovalPlan?> GetPlanAsync(string projectCode, CancellationToken ct = default) => Task.FromResult<Orchestrations.Plan.ApprovalPlan?>(null);
    public Task<Orchestrations.Lifecycle.Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default) => Task.FromResult(new Orchestrations.Lifecycle.Page<ProjectSummary>([], null));
    public Task<IReadOnlyList<DepartmentItemView>> ListDepartmentItemsAsync(string departmentCode, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<DepartmentItemView>>([]);
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard browser";
}
