using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Orchestrator.Functions.Tests.Infrastructure;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Lifecycle;
using Xunit.Abstractions;

namespace Orchestrator.Functions.Tests.Dashboard;

/// <summary>
/// A real project (the lifecycle registered in the host on DTFx, filed through IProjectCommands) as the dashboard shows
/// it: the project instance (id project-{code}) and its item instances (item-{code}-…) in the list, the project's SLA deadlines beside its timeline, and the SLA
/// board with its department's lights.
/// </summary>
public sealed class DashboardProjectTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ProjectCode = "2603-141124-89-05-346948";
    private HostUnderTest _host = null!;

    public async Task InitializeAsync()
    {
        _host = await HostUnderTest.StartAsync(configure: builder =>
        {
            // As Program.cs does (the lifecycle and its daily SLA sweep), unless the host composition already has it.
            if (!builder.Services.Any(d => d.ServiceType == typeof(IProjectQueries)))
                Orchestrator.SelfHost.Scheduled.LifecycleHostRegistration.AddApprovalLifecycle(builder);
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_filed_project_shows_its_items_deadlines_and_lights()
    {
        var commands = _host.Services.GetRequiredService<IProjectCommands>();
        var queries = _host.Services.GetRequiredService<IProjectQueries>();
        var filed = await commands.FileProjectAsync(new FileProjectRequest(ProjectCode, "Dashboard test factory", "91350100M000100Y43",
            "示例标准厂房建设有限公司", Orchestrations.Catalog.InvestmentNature.EnterpriseFiling, 5000m, ProjectLevel.None, null, null, null,
            LandRightsHeld: true, SimulatedApproval: null, ChosenCommitments: null, Tolerance: null, new Actor("test-platform", "platform")));
        Assert.True(filed.Outcome == FileProjectOutcome.Created, string.Join("; ", filed.Errors.Select(e => $"{e.Field}: {e.Message}")));

        // wait until an item's decision clock runs
        ProjectView? project = null;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            project = await queries.GetProjectAsync(ProjectCode);
            if (project?.Items.Any(i => i.Open && i.Due is not null) == true) break;
            await Task.Delay(200);
        }
        Assert.True(project?.Items.Any(i => i.Open && i.Due is not null) == true, $"no item clock started: {project?.RuntimeStatus} {project?.Phase}");
        var running = project!.Items.First(i => i.Open && i.Due is not null);

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(new Uri(_host.BaseAddress, "/dashboard").ToString());
        await page.FillAsync("#key-input", HostUnderTest.ViewerKey);
        await page.ClickAsync("#key-use");

        // Items have their own id prefix (DTFx lists by prefix, not by name): item-{code}-{item}.
        Assert.StartsWith($"item-{ProjectCode}-", running.InstanceId);
        await page.FillAsync("#f-prefix", $"item-{ProjectCode}");
        await page.ClickAsync("#f-apply");
        await Assertions.Expect(page.Locator($"#instances-table tbody tr[data-instance-id='{running.InstanceId}']")).ToContainTextAsync(LifecycleOrchestrators.Item);

        await page.FillAsync("#f-prefix", $"project-{ProjectCode}");
        await page.ClickAsync("#f-apply");
        var projectRow = page.Locator($"#instances-table tbody tr[data-instance-id='project-{ProjectCode}']");
        await Assertions.Expect(projectRow).ToContainTextAsync(LifecycleOrchestrators.Project);

        await projectRow.Locator("a.instance-link").ClickAsync();
        var sla = page.Locator("#d-sla");
        await Assertions.Expect(sla).ToBeVisibleAsync();
        var dueRow = sla.Locator("tbody tr", new() { HasText = $"{running.ItemCode} decision due" });
        await Assertions.Expect(dueRow).ToContainTextAsync(running.Due!.DueDateLocal.ToString("yyyy-MM-dd"));
        await Assertions.Expect(dueRow.Locator("[data-light]")).ToHaveTextAsync(running.Light.ToString());
        await Assertions.Expect(page.Locator("#d-timeline li[data-event-type=ExecutionStarted]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#d-timeline li[data-event-type=SubOrchestrationInstanceCreated]").First).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "20-project-deadlines-and-timeline", output);

        var board = await queries.GetSlaBoardAsync(DateTimeOffset.UtcNow);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(board.Departments.Select(d => new { d.DepartmentCode, d.Green, d.Yellow, d.Red })));
        await page.ClickAsync("#tabs [data-tab=sla]");
        await page.Locator("#sla-table tbody tr").First.WaitForAsync();
        await DashboardFixture.ScreenshotAsync(page, "21-project-sla-board", output);
        var department = page.Locator($"#sla-table tbody tr[data-department='{running.DepartmentCode}']");
        await Assertions.Expect(department).ToContainTextAsync($"{ProjectCode}/{running.ItemCode}");
        await Assertions.Expect(department.Locator("td.green")).ToHaveTextAsync(new Regex(@"Green\s*[1-9]"));

        // the daily SLA sweep is a scheduled function: listed with its cron and next occurrence
        await page.ClickAsync("#tabs [data-tab=schedules]");
        await Assertions.Expect(page.Locator("#schedules-table tbody")).ToContainTextAsync(Orchestrator.SelfHost.Scheduled.SlaSweepFunction.Name);
    }
}
