using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Orchestrator.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.Functions.Tests.Dashboard;

/// <summary>What a person sees on /dashboard in headless Chromium, on the real host.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private static ILocator Rows(IPage page, string table) => page.Locator($"{table} tbody tr:not(.empty)");

    private static async Task<List<string>> ListedIdsAsync(IPage page, string table = "#instances-table") =>
        (await Rows(page, table).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.instanceId)")).ToList();

    private static async Task FilterAsync(IPage page, string? prefix = null, string? status = null, string? name = null, string? top = null)
    {
        await page.FillAsync("#f-prefix", prefix ?? "");
        await page.SelectOptionAsync("#f-status", status ?? "");
        await page.FillAsync("#f-name", name ?? "");
        if (top is not null) await page.SelectOptionAsync("#f-top", top);
        var response = page.WaitForResponseAsync(r => r.Url.Contains("/dashboard/api/instances?"));
        await page.ClickAsync("#f-apply");
        await response;
        await page.WaitForFunctionAsync("() => !document.querySelector('#instances-table tbody').dataset.loading");
    }

    [Fact]
    public async Task Without_a_key_the_page_loads_and_asks_for_one_showing_no_data()
    {
        var page = await fixture.OpenDashboardAsync(key: null);
        await Assertions.Expect(page.Locator("#key-input")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Enter an ops or viewer API key");
        await Assertions.Expect(page.Locator("#app")).ToBeHiddenAsync();
        Assert.Equal(0, await Rows(page, "#instances-table").CountAsync());
        await DashboardFixture.ScreenshotAsync(page, "01-no-key", output);

        await page.FillAsync("#key-input", "not-a-key-of-this-service");
        await page.ClickAsync("#key-use");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("The key was refused");
        await Assertions.Expect(page.Locator("#app")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_list_shows_the_instances_and_filters_narrow_it()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await Assertions.Expect(page.Locator("#who-text")).ToHaveTextAsync("test-viewer (viewer)");
        await Assertions.Expect(Rows(page, "#instances-table").First).ToBeVisibleAsync();

        await FilterAsync(page, prefix: "dash-hello-");
        Assert.Equal(fixture.HelloIds, await ListedIdsAsync(page));
        await Assertions.Expect(Rows(page, "#instances-table").First.Locator("[data-status]")).ToHaveTextAsync("Completed");
        await DashboardFixture.ScreenshotAsync(page, "02-list-filtered-by-prefix", output);

        await FilterAsync(page, prefix: "dash-", status: "Failed");
        Assert.Equal([fixture.FailedId], await ListedIdsAsync(page));

        await FilterAsync(page, name: "ApprovalWithTimeout", status: "Running");
        Assert.Contains(fixture.ApprovalForViewer, await ListedIdsAsync(page));
        Assert.DoesNotContain(fixture.HelloIds[0], await ListedIdsAsync(page));

        await FilterAsync(page, prefix: "dash-hello-", status: "Running");
        Assert.Empty(await ListedIdsAsync(page));
        await Assertions.Expect(page.Locator("#instances-table tbody")).ToContainTextAsync("No instances match.");

        // a created range in the future matches nothing
        await page.FillAsync("#f-from", DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ss"));
        await FilterAsync(page, prefix: "dash-");
        Assert.Empty(await ListedIdsAsync(page));
        await page.FillAsync("#f-from", "");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Paging_walks_forward_and_back_through_the_pages()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await FilterAsync(page, prefix: "dash-page-", top: "10");
        var seen = new List<string>(await ListedIdsAsync(page));
        Assert.Equal(10, seen.Count);
        await Assertions.Expect(page.Locator("#page-info")).ToContainTextAsync("Page 1");
        await Assertions.Expect(page.Locator("#page-prev")).ToBeDisabledAsync();

        for (var expectedPage = 2; expectedPage <= 3; expectedPage++)
        {
            await page.ClickAsync("#page-next");
            await Assertions.Expect(page.Locator("#page-info")).ToContainTextAsync($"Page {expectedPage}");
            seen.AddRange(await ListedIdsAsync(page));
        }
        await Assertions.Expect(page.Locator("#page-next")).ToBeDisabledAsync();
        Assert.Equal(fixture.PageIds.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(5, (await ListedIdsAsync(page)).Count);
        await DashboardFixture.ScreenshotAsync(page, "03-paging-last-page", output);

        await page.ClickAsync("#page-prev");
        await Assertions.Expect(page.Locator("#page-info")).ToContainTextAsync("Page 2");
        Assert.Equal(seen.Skip(10).Take(10), await ListedIdsAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_instance_shows_its_timeline_of_history_events()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await FilterAsync(page, prefix: fixture.HelloIds[0]);
        await page.ClickAsync($"a.instance-link:text-is('{fixture.HelloIds[0]}')");
        var timeline = page.Locator("#d-timeline li");
        await Assertions.Expect(page.Locator("#d-id")).ToHaveTextAsync(fixture.HelloIds[0]);
        await Assertions.Expect(page.Locator("#d-timeline li[data-event-type=ExecutionCompleted]")).ToBeVisibleAsync();
        var types = await timeline.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.eventType)");
        // DTFx closes each episode with an OrchestratorCompleted marker: apart from those, the completion comes last.
        Assert.Equal("ExecutionCompleted", types.Last(t => t is not ("OrchestratorCompleted" or "OrchestratorStarted")));
        Assert.Contains("ExecutionStarted", types);
        Assert.Equal(2, types.Count(t => t == "TaskScheduled"));
        Assert.Equal(2, types.Count(t => t == "TaskCompleted"));
        await Assertions.Expect(page.Locator("#d-timeline")).ToContainTextAsync("SayHello");
        await Assertions.Expect(page.Locator("#d-timeline")).ToContainTextAsync("Hello #2");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Completed");
        await DashboardFixture.ScreenshotAsync(page, "04-instance-timeline", output);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Failed_instances_are_listed_with_their_error()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await page.ClickAsync("#tabs [data-tab=failed]");
        var row = page.Locator($"#failed-table tbody tr[data-instance-id='{fixture.FailedId}']");
        await Assertions.Expect(row).ToContainTextAsync(fixture.FailedId);
        await Assertions.Expect(row).ToContainTextAsync(DashboardFixture.FailureMessage);
        await DashboardFixture.ScreenshotAsync(page, "05-failed-instances", output);

        await row.Locator("a.instance-link").ClickAsync();
        await Assertions.Expect(page.Locator("#d-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#d-error")).ToContainTextAsync(DashboardFixture.FailureMessage);
        await Assertions.Expect(page.Locator("#d-timeline li[data-event-type=TaskFailed]")).ToContainTextAsync(DashboardFixture.FailureMessage);
        await DashboardFixture.ScreenshotAsync(page, "06-failed-instance-detail", output);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_SLA_board_shows_lights_per_department_and_the_open_escalations()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await page.ClickAsync("#tabs [data-tab=sla]");
        var housing = page.Locator("#sla-table tbody tr[data-department=HOUSING]");
        var nr = page.Locator("#sla-table tbody tr[data-department=NATURAL-RESOURCES]");
        await Assertions.Expect(housing.Locator("td.red")).ToHaveTextAsync(new Regex(@"Red\s*1"));
        await Assertions.Expect(housing.Locator("td.green")).ToHaveTextAsync(new Regex(@"Green\s*0"));
        await Assertions.Expect(nr.Locator("td.green")).ToHaveTextAsync(new Regex(@"Green\s*1"));
        await Assertions.Expect(nr.Locator("td.yellow")).ToHaveTextAsync(new Regex(@"Yellow\s*1"));
        await Assertions.Expect(housing.Locator("[data-light=Red]").Last).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#sla-summary")).ToContainTextAsync("1 overdue not yet escalated");
        await Assertions.Expect(page.Locator("#sla-summary")).ToContainTextAsync("due today 0, next working day 120");
        await Assertions.Expect(Rows(page, "#sla-overdue")).ToContainTextAsync("CONSTRUCTION-PERMIT");
        var red = await housing.Locator("td.red .light").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(198, 40, 40)", red); // a person sees a red light
        await DashboardFixture.ScreenshotAsync(page, "07-sla-board", output);

        await page.ClickAsync("#tabs [data-tab=escalations]");
        var escalation = Rows(page, "#escalations-table");
        await Assertions.Expect(escalation).ToHaveCountAsync(1);
        await Assertions.Expect(escalation).ToContainTextAsync("CONSTRUCTION-PERMIT");
        await Assertions.Expect(escalation).ToContainTextAsync("JointMeeting");
        await Assertions.Expect(escalation).ToContainTextAsync("DecisionOverdue");
        await DashboardFixture.ScreenshotAsync(page, "08-escalations", output);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Scheduled_functions_show_their_last_runs_with_outcome()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await page.ClickAsync("#tabs [data-tab=schedules]");
        await Assertions.Expect(page.Locator("#schedules-table tbody")).ToContainTextAsync("NightlyReport");
        await Assertions.Expect(page.Locator("#schedules-table tbody")).ToContainTextAsync("0 2 * * *");
        var nightlyId = Orchestrator.SelfHost.Scheduling.ScheduledFunctionScheduler.InstanceIdFor("NightlyReport", new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero));
        var nightly = page.Locator($"#runs-table tbody tr[data-instance-id='{nightlyId}']");
        var broken = page.Locator("#runs-table tbody tr[data-instance-id^='schedule:BrokenExport:']");
        await Assertions.Expect(nightly.Locator("[data-status]")).ToHaveTextAsync("Completed");
        await Assertions.Expect(nightly).ToContainTextAsync("2026-11-20 02:00:00");
        await Assertions.Expect(broken.Locator("[data-status]")).ToHaveTextAsync("Failed");
        await Assertions.Expect(broken).ToContainTextAsync("export target is not reachable");
        var held = page.Locator($"#runs-table tbody tr[data-instance-id='{fixture.HeldRunId}']");
        await Assertions.Expect(held.Locator("[data-status]")).ToHaveTextAsync("Completed"); // ran; the instance only holds the id
        await Assertions.Expect(held.Locator("td[title*='holds the occurrence']")).ToHaveCountAsync(1);
        await DashboardFixture.ScreenshotAsync(page, "09-scheduled-runs", output);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_sees_no_change_buttons_and_the_server_refuses_them_anyway()
    {
        var page = await fixture.OpenDashboardAsync(HostUnderTest.ViewerKey);
        await FilterAsync(page, prefix: fixture.ApprovalForViewer);
        await page.ClickAsync($"a.instance-link:text-is('{fixture.ApprovalForViewer}')");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Running");
        await Assertions.Expect(page.Locator("#d-actions")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("button:visible", new() { HasTextRegex = new Regex("^(Terminate|Suspend|Resume|Restart|Raise event|Purge)$") }).CountAsync());
        await DashboardFixture.ScreenshotAsync(page, "10-viewer-no-buttons", output);

        // the same request the page would make, with the viewer's key, from the page itself
        var status = await page.EvaluateAsync<int>(
            "async id => (await fetch(`/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}/terminate`, { method: 'POST', headers: { 'x-functions-key': sessionStorage.getItem('orchestrator.dashboard.key') } })).status",
            fixture.ApprovalForViewer);
        Assert.Equal(403, status);
        using var viewer = fixture.Host.Client(HostUnderTest.ViewerKey);
        using var purge = await viewer.DeleteAsync($"{HostUnderTest.Prefix}/instances/{fixture.HelloIds[2]}");
        Assert.Equal(HttpStatusCode.Forbidden, purge.StatusCode);
        var still = await fixture.Ops.WaitForStatusAsync(fixture.ApprovalForViewer, "Running");
        Assert.Equal("Running", (string?)still["runtimeStatus"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ops_terminates_an_instance_after_confirming_and_sees_the_status_change()
    {
        var id = $"dash-approval-ops-{Guid.NewGuid():N}";
        await fixture.Ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await fixture.Ops.WaitForStatusAsync(id, "Running");

        var page = await fixture.OpenDashboardAsync(HostUnderTest.OpsKey);
        await Assertions.Expect(page.Locator("#who-text")).ToHaveTextAsync("test-ops (ops)");
        await FilterAsync(page, prefix: id);
        await page.ClickAsync($"a.instance-link:text-is('{id}')");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Running");
        await Assertions.Expect(page.Locator("#d-actions")).ToBeVisibleAsync();
        foreach (var label in new[] { "Terminate", "Suspend", "Resume", "Restart", "Raise event", "Purge" })
            await Assertions.Expect(page.Locator("#d-actions").GetByRole(AriaRole.Button, new() { Name = label, Exact = true })).ToBeVisibleAsync();

        // cancelling changes nothing
        await page.ClickAsync("#d-actions [data-action=terminate]");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-title")).ToHaveTextAsync("Terminate instance?");
        await page.ClickAsync("#confirm-cancel");
        await Assertions.Expect(page.Locator("#confirm")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("cancelled");
        Assert.Equal("Running", (string?)(await fixture.Ops.WaitForStatusAsync(id, "Running"))["runtimeStatus"]);

        // confirming terminates
        await page.ClickAsync("#d-actions [data-action=terminate]");
        await page.FillAsync("#confirm-reason", "stopped from the dashboard test");
        await DashboardFixture.ScreenshotAsync(page, "11-ops-terminate-confirmation", output);
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Terminated", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Terminate instance: done");
        await Assertions.Expect(page.Locator("#d-timeline li[data-event-type=ExecutionTerminated]")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "12-ops-terminated", output);
        var ended = await fixture.Ops.WaitForEndAsync(id);
        Assert.Equal("Terminated", (string?)ended["runtimeStatus"]);

        // purge (confirmed) removes it
        await page.ClickAsync("#d-actions [data-action=purge]");
        await Assertions.Expect(page.Locator("#confirm-title")).ToHaveTextAsync("Purge instance?");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Purge instance: done");
        await Assertions.Expect(page.Locator("#detail")).ToBeHiddenAsync();
        using var gone = await fixture.Ops.GetAsync($"{HostUnderTest.Prefix}/instances/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ops_suspends_resumes_raises_an_event_and_restarts_from_the_page()
    {
        var id = $"dash-approval-raise-{Guid.NewGuid():N}";
        await fixture.Ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await fixture.Ops.WaitForStatusAsync(id, "Running");
        var page = await fixture.OpenDashboardAsync(HostUnderTest.OpsKey);
        await FilterAsync(page, prefix: id);
        await page.ClickAsync($"a.instance-link:text-is('{id}')");

        await page.ClickAsync("#d-actions [data-action=suspend]");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Suspended");

        await page.ClickAsync("#d-actions [data-action=resume]");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Running");

        await page.ClickAsync("#d-actions [data-action=raise]");
        await page.FillAsync("#confirm-event", "Approval");
        await page.FillAsync("#confirm-payload", "true");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync("Completed");
        await Assertions.Expect(page.Locator("#d-timeline li[data-event-type=EventRaised]")).ToContainTextAsync("Approval");
        Assert.Equal("approved", (string?)(await fixture.Ops.WaitForEndAsync(id))["output"]);

        // restart (confirmed): the instance runs again from the beginning under the same id
        await page.ClickAsync("#d-actions [data-action=restart]");
        await Assertions.Expect(page.Locator("#confirm-title")).ToHaveTextAsync("Restart instance?");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("#d-summary [data-status]")).ToHaveTextAsync(new Regex("^(Pending|Running)$"));
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Restart instance: done");
        await fixture.Ops.WaitForStatusAsync(id, "Running");
        await page.Context.CloseAsync();
    }
}
