using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Functions.Tests.Infrastructure;
using static Orchestrator.Functions.Tests.Platform.PlatformRequests;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>
/// The platform and department API on the real host with the real lifecycle (DTFx on Azurite): filing idempotency,
/// reads, every decision kind, department binding, idempotency keys, 409 on a closed item, lists, the SLA board, and a
/// whole project from filing to completion. Every refusal is checked by reading afterwards.
/// </summary>
public sealed class PlatformEndToEndTests(LifecycleHostFixture fixture) : IClassFixture<LifecycleHostFixture>
{
    private HostUnderTest Host => fixture.Host;

    [Fact]
    public async Task Filing_twice_returns_the_existing_project_and_never_starts_a_second_orchestration()
    {
        var code = NewProjectCode();
        using var platform = Host.Client(HostUnderTest.PlatformKey);
        using var first = await platform.FileAsync(Filing(code));
        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        using var second = await platform.FileAsync(Filing(code));
        var again = await second.ReadJsonAsync();
        Assert.True(second.StatusCode == HttpStatusCode.OK, again.ToJsonString());
        Assert.Equal("Existing", (string?)again["outcome"]);
        Assert.Equal($"project-{code}", (string?)again["instanceId"]);

        using var ops = Host.Client(HostUnderTest.OpsKey);
        var instances = await ops.ListAsync($"instanceIdPrefix=project-{code}&showInput=false");
        Assert.Single(instances, i => (string?)i["instanceId"] == $"project-{code}");
        Assert.Single(instances, i => (string?)i["name"] == "ProjectLifecycle" || (string?)i["instanceId"] == $"project-{code}");
    }

    [Fact]
    public async Task A_project_reads_with_its_stage_items_modes_departments_deadlines_lights_and_plan()
    {
        var code = NewProjectCode();
        await Host.FileAsync(code, b => b["chosenCommitments"] = new JsonArray("S1-LIGHTNING"));
        var project = await Host.WaitForProjectAsync(code, p => p.Items().Any(i => (string?)i["itemCode"] == "S1-FILING" && i.State() == "Approved")
            && p.Items().Any(i => (string?)i["itemCode"] == "S1-LIGHTNING" && i.State() == "Committed") && p.OpenItems().Count() >= 2, "filing recorded, commitment granted");
        Assert.Equal("InApproval", (string?)project["phase"]);
        Assert.Equal(1, (int)project["stage"]!);
        Assert.False(string.IsNullOrEmpty((string?)project["stageName"]));
        Assert.Equal("91350100M000100Y43", (string?)project["enterprise"]!["uscc"]);

        var filing = project.Item("S1-FILING");
        Assert.Equal("Approved", filing.State()); // 秒批
        Assert.Equal("Committed", project.Item("S1-LIGHTNING").State());
        var open = project.OpenItems().ToList();
        Assert.NotEmpty(open);
        Assert.All(open, i =>
        {
            Assert.False(string.IsNullOrEmpty((string?)i["departmentCode"]));
            Assert.False(string.IsNullOrEmpty((string?)i["mode"]));
            Assert.NotNull(i["due"]!["dueAtUtc"]);
            Assert.Equal("Green", (string?)i["light"]);
        });

        using var platform = Host.Client(HostUnderTest.PlatformKey);
        using var planResponse = await platform.GetAsync($"/api/projects/{code}/plan");
        var plan = await planResponse.ReadJsonAsync();
        Assert.True(planResponse.StatusCode == HttpStatusCode.OK, plan.ToJsonString());
        Assert.Equal(code, (string?)plan["projectCode"]);
        var stages = plan["stages"]!.AsArray();
        Assert.True(stages.Count >= 3);
        Assert.Contains(stages.SelectMany(s => s!["items"]!.AsArray()), i => (string?)i!["code"] == "S3-CONSTRUCTION-PERMIT" && (string?)i["departmentCode"] == "HCD");
    }

    [Fact]
    public async Task Every_decision_kind_through_the_department_api_is_recorded_with_who_made_it()
    {
        var code = NewProjectCode();
        await Host.FileAsync(code);
        var project = await Host.WaitForProjectAsync(code, p => p.OpenItems().Any(i => (string?)i["itemCode"] == "S1-GEO-HAZARD"), "S1-GEO-HAZARD open");
        var item = project.Item("S1-GEO-HAZARD");
        var itemCode = (string)item["itemCode"]!;
        var department = (string)item["departmentCode"]!;

        async Task Decide(object decision, string expectedState)
        {
            using var r = await Host.DecideAsync(code, item, decision);
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
            await Host.WaitForProjectAsync(code, p => p.Item(itemCode).State() == expectedState, $"{itemCode} {expectedState}");
        }

        await Decide(new { kind = "StartSpecialProcedure", procedure = "ExpertReview", reason = "地质灾害危险性专家评审" }, "SpecialProcedure");
        await Decide(new { kind = "EndSpecialProcedure" }, "UnderReview");
        var dueBefore = DateTimeOffset.Parse((string)(await Host.ProjectAsync(code)).Item(itemCode)["due"]!["dueAtUtc"]!);
        await Decide(new { kind = "Extend", days = 5, reason = "情况复杂，经负责人批准延长" }, "UnderReview");
        var extended = await Host.WaitForProjectAsync(code, p => p.Item(itemCode)["decisions"]!.AsArray().Any(d => (string?)d!["kind"] == "Extend"), "extension recorded");
        Assert.True(DateTimeOffset.Parse((string)extended.Item(itemCode)["due"]!["dueAtUtc"]!) > dueBefore);

        // A second extension breaks Art. 42 (once): refused, nothing recorded.
        using (var r = await Host.DecideAsync(code, item, new { kind = "Extend", days = 5, reason = "再次延长" }))
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);

        await Decide(new { kind = "RequestCorrection", reasons = new[] { "缺少评估报告附图" } }, "CorrectionRequested");
        using (var platform = Host.Client(HostUnderTest.PlatformKey))
        using (var r = await platform.PostAsync($"/api/projects/{code}/items/{itemCode}/materials", new { materials = new[] { "评估报告附图" } }, null))
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        await Host.WaitForProjectAsync(code, p => p.Item(itemCode).State() == "UnderReview", "back under review after materials");
        await Decide(new { kind = "Reject", reasons = new[] { "位于地质灾害易发区，不予许可" } }, "Rejected");

        var decisions = (await Host.ProjectAsync(code)).Item(itemCode)["decisions"]!.AsArray();
        foreach (var kind in new[] { "StartSpecialProcedure", "EndSpecialProcedure", "Extend", "RequestCorrection", "Reject" })
        {
            var d = decisions.Single(x => (string?)x!["kind"] == kind)!;
            Assert.Equal($"test-{department.ToLowerInvariant()}", (string?)d["actor"]!["name"]);
            Assert.Equal("department", (string?)d["actor"]!["role"]);
            Assert.Equal(department, (string?)d["actor"]!["departmentCode"]);
        }
        Assert.Single(decisions, x => (string?)x!["kind"] == "Extend");
    }

    [Fact]
    public async Task A_key_of_another_department_gets_403_and_nothing_is_recorded()
    {
        var code = NewProjectCode();
        var project = await Host.FileAsync(code);
        var item = project.OpenItems().First(i => (string?)i["departmentCode"] != "HCD");
        var itemCode = (string)item["itemCode"]!;
        var department = (string)item["departmentCode"]!;
        using var hcd = Host.Client(PlatformKeys.Hcd);

        using (var r = await hcd.DecideAsync(department, code, itemCode, new { kind = "Approve" }, Guid.NewGuid().ToString()))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var r = await hcd.DecideAsync("HCD", code, itemCode, new { kind = "Approve" }, Guid.NewGuid().ToString()))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "not-your-department", "itemCode");

        // A barrier instead of a sleep: the item's own department decides next, and once that decision is applied
        // anything raised before it would have been too. Only the rightful decision is recorded.
        var before = (await Host.ProjectAsync(code)).Item(itemCode);
        Assert.Equal("UnderReview", before.State());
        using (var r = await Host.DecideAsync(code, item, new { kind = "Approve", note = "本部门审批" }))
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        var after = (await Host.WaitForProjectAsync(code, p => p.Item(itemCode).State() == "Approved", "the rightful approval")).Item(itemCode);
        var decided = after["decisions"]!.AsArray().Where(d => d!["kind"] is not null).ToList();
        var approval = Assert.Single(decided);
        Assert.Equal("Approve", (string?)approval!["kind"]);
        Assert.Equal($"test-{department.ToLowerInvariant()}", (string?)approval["actor"]!["name"]);
        Assert.DoesNotContain(after["decisions"]!.AsArray(), d => (string?)d!["actor"]?["name"] == "test-hcd");
    }

    [Fact]
    public async Task The_same_idempotency_key_is_applied_once_and_a_closed_item_answers_409_with_its_state()
    {
        var code = NewProjectCode();
        var project = await Host.FileAsync(code);
        var item = project.OpenItems().First();
        var itemCode = (string)item["itemCode"]!;
        var key = "approve-" + Guid.NewGuid();

        using var first = await Host.DecideAsync(code, item, new { kind = "Approve" }, key);
        Assert.True(first.StatusCode == HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        using var retry = await Host.DecideAsync(code, item, new { kind = "Approve" }, key);
        Assert.True(retry.StatusCode == HttpStatusCode.Accepted, await retry.Content.ReadAsStringAsync());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());

        var approved = await Host.WaitForProjectAsync(code, p => p.Item(itemCode).State() == "Approved", "approval");
        // Retried once more after the item closed: still the same answer, still one decision.
        using (var late = await Host.DecideAsync(code, item, new { kind = "Approve" }, key))
            Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
        Assert.Single(approved.Item(itemCode)["decisions"]!.AsArray(), d => (string?)d!["idempotencyKey"] == key);

        // The same key for another decision is refused rather than silently answered as the first one.
        using (var reused = await Host.DecideAsync(code, item, new { kind = "Reject", reasons = new[] { "改变主意" } }, key))
            await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key");

        using var closed = await Host.DecideAsync(code, item, new { kind = "Reject", reasons = new[] { "改变主意" } });
        var problem = await closed.AssertProblemAsync(HttpStatusCode.Conflict, "item-not-open", "itemCode");
        Assert.Equal("Approved", (string?)problem["state"]);
        // Refused before anything is raised; the item's instance has ended, so nothing could reach it anyway.
        using (var ops = Host.Client(HostUnderTest.OpsKey))
            Assert.NotEqual("Running", (string?)(await ops.WaitForEndAsync((string)item["instanceId"]!))["runtimeStatus"]);
        var after = (await Host.ProjectAsync(code)).Item(itemCode);
        Assert.Equal("Approved", after.State());
        Assert.DoesNotContain(after["decisions"]!.AsArray(), d => (string?)d!["kind"] == "Reject");
    }

    [Fact]
    public async Task Refused_filings_store_nothing()
    {
        var code = NewProjectCode();
        using var platform = Host.Client(HostUnderTest.PlatformKey);
        using (var r = await platform.FileAsync(Filing(code, b => b["uscc"] = "91350100M000100Y4Z"))) await r.AssertFieldErrorAsync("uscc");
        using (var r = await platform.FileAsync(Filing(code, b => b["projectName"] = new string('x', LifecycleHostFixture.BodyLimit))))
            await r.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        using (var viewer = Host.Client(HostUnderTest.ViewerKey))
        using (var r = await viewer.FileAsync(Filing(code))) await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var anonymous = Host.Client(null))
        using (var r = await anonymous.FileAsync(Filing(code))) await r.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-api-key");

        using (var r = await platform.GetAsync($"/api/projects/{code}")) await r.AssertProblemAsync(HttpStatusCode.NotFound, "project-not-found");
        using var ops = Host.Client(HostUnderTest.OpsKey);
        Assert.Empty(await ops.ListAsync($"instanceIdPrefix=project-{code}"));
    }

    [Fact]
    public async Task Lists_filter_and_page_and_the_sla_board_and_department_items_show_the_open_clocks()
    {
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var code = NewProjectCode();
            await Host.FileAsync(code);
            codes.Add(code);
        }
        using var viewer = Host.Client(HostUnderTest.ViewerKey);

        var seen = new List<string>();
        string? next = "/api/projects?stage=1&pageSize=2&department=NRB&overdue=false";
        while (next is not null)
        {
            using var r = await viewer.GetAsync(next);
            var page = await r.ReadJsonAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, page.ToJsonString());
            Assert.True(page["items"]!.AsArray().Count <= 2);
            seen.AddRange(page["items"]!.AsArray().Select(p => (string)p!["projectCode"]!));
            next = (string?)page["next"];
        }
        Assert.Superset(codes.ToHashSet(), seen.ToHashSet());

        using (var r = await viewer.GetAsync("/api/projects?stage=4"))
            Assert.DoesNotContain((await r.ReadJsonAsync())["items"]!.AsArray(), p => codes.Contains((string)p!["projectCode"]!));
        using (var r = await viewer.GetAsync("/api/projects?overdue=true"))
            Assert.DoesNotContain((await r.ReadJsonAsync())["items"]!.AsArray(), p => codes.Contains((string)p!["projectCode"]!));
        using (var r = await viewer.GetAsync("/api/projects?light=green&filedFrom=2020-01-01"))
            Assert.Superset(codes.ToHashSet(), (await r.ReadJsonAsync())["items"]!.AsArray().Select(p => (string)p!["projectCode"]!).Where(codes.Contains).ToHashSet());

        using (var r = await viewer.GetAsync("/api/sla/board"))
        {
            var board = await r.ReadJsonAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, board.ToJsonString());
            Assert.True((int)board["green"]! >= 3);
            var entries = board["departments"]!.AsArray().SelectMany(d => d!["entries"]!.AsArray()).ToList();
            Assert.Contains(entries, e => codes.Contains((string)e!["projectCode"]!));
        }

        using var nrb = Host.Client(PlatformKeys.Of("NRB"));
        List<JsonNode?> items;
        using (var r = await nrb.GetAsync("/api/departments/NRB/items"))
        {
            var answer = await r.ReadJsonAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
            items = answer["items"]!.AsArray().ToList();
            foreach (var code in codes) Assert.Contains(items, i => (string?)i!["projectCode"] == code && (string?)i["item"]!["departmentCode"] == "NRB");
            Assert.All(items, i => Assert.NotNull(i!["item"]!["due"]));
        }

        // Paged on the read model's index: one item per page, following next, gives the same items in the same (due) order.
        var paged = new List<string>();
        string? link = "/api/departments/NRB/items?pageSize=1";
        string? token = null;
        while (link is not null && paged.Count <= items.Count)
        {
            using var r = await nrb.GetAsync(link);
            var answer = await r.ReadJsonAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
            paged.AddRange(answer["items"]!.AsArray().Select(i => (string)i!["item"]!["instanceId"]!));
            link = (string?)answer["next"];
            token ??= (string?)answer["continuationToken"];
        }
        Assert.Equal(items.Select(i => (string)i!["item"]!["instanceId"]!), paged);
        Assert.NotNull(token);

        // A token that is not ours, or one of another department's list, is refused naming the parameter.
        using (var r = await nrb.GetAsync("/api/departments/NRB/items?continuationToken=NRB%20item%7C0"))
            await r.AssertFieldErrorAsync("continuationToken");
        using var ops = Host.Client(HostUnderTest.OpsKey);
        using (var r = await ops.GetAsync($"/api/departments/HCD/items?continuationToken={Uri.EscapeDataString(token!)}"))
            Assert.Contains(await r.AssertFieldErrorAsync("continuationToken"), m => m.Contains("another list"));
    }

    [Fact]
    public async Task A_project_terminated_through_the_management_api_leaves_none_of_its_items_or_meetings_running()
    {
        var code = NewProjectCode();
        var project = await Host.FileAsync(code);
        var open = project.OpenItems().Select(i => (string)i["instanceId"]!).ToList();
        using var ops = Host.Client(HostUnderTest.OpsKey);
        // Its item instances (item-{code}-…) run as sub-orchestrations of project-{code}.
        foreach (var id in open)
        {
            Assert.StartsWith($"item-{code}-", id);
            await ops.WaitForStatusAsync(id, "Running");
        }

        using (var terminate = await ops.PostAsync($"{HostUnderTest.Prefix}/instances/project-{code}/terminate?reason=withdrawn%20by%20the%20applicant", null))
            Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal("Terminated", (string?)(await ops.WaitForEndAsync($"project-{code}"))["runtimeStatus"]);

        // Terminate is recursive: every child ends too (DTFx alone would leave them running).
        var deadline = DateTime.UtcNow + ProjectDriver.Patience;
        List<JsonNode> children;
        while (true)
        {
            children = (await ops.ListAsync($"instanceIdPrefix=item-{code}")).Concat(await ops.ListAsync($"instanceIdPrefix=meeting-{code}")).ToList();
            if (children.All(c => (string?)c["runtimeStatus"] is "Terminated" or "Completed" or "Failed") || DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }
        foreach (var running in children.Where(c => (string?)c["runtimeStatus"] == "Running"))
        {
            var h = await (await ops.GetAsync($"{HostUnderTest.Prefix}/instances/{running["instanceId"]}?showHistory=true")).ReadJsonAsync();
            var ph = await (await ops.GetAsync($"{HostUnderTest.Prefix}/instances/project-{code}?showHistory=true")).ReadJsonAsync();
            Assert.Fail($"{running["instanceId"]} still running (open at filing: {open.Contains((string)running["instanceId"]!)}): " +
                string.Join(" ", h["historyEvents"]!.AsArray().Select(e => $"{e!["EventType"]}@{e["Timestamp"]}")) +
                " || project: " + string.Join(" ", ph["historyEvents"]!.AsArray().Select(e => $"{e!["EventType"]}@{e["Timestamp"]}{(e["InstanceId"] is { } i ? "/" + i : "")}")));
        }
        Assert.Superset(open.ToHashSet(), children.Select(c => (string)c["instanceId"]!).ToHashSet());
        Assert.All(children, c => Assert.True((string?)c["runtimeStatus"] is "Terminated" or "Completed" or "Failed",
            $"{c["instanceId"]} is {c["runtimeStatus"]}"));
        Assert.All(open, id => Assert.Equal("Terminated", (string?)children.Single(c => (string?)c["instanceId"] == id)["runtimeStatus"]));

        // The project's commands are now refused as ended.
        using (var again = await ops.PostAsync($"{HostUnderTest.Prefix}/instances/project-{code}/terminate", null))
            await again.AssertProblemAsync(HttpStatusCode.Gone, "instance-ended", "instanceId");
    }

    [Fact]
    public async Task A_project_runs_from_filing_to_completion_through_the_api()
    {
        var code = NewProjectCode();
        await Host.FileAsync(code, b => b["chosenCommitments"] = new JsonArray("S1-LIGHTNING"));

        var approved = await Host.ApproveAllOpenAsync(code, p => (string?)p["phase"] == "UnderConstruction");
        var project = await Host.WaitForProjectAsync(code, p => (string?)p["phase"] == "UnderConstruction", "construction permitted");
        Assert.Contains("S3-CONSTRUCTION-PERMIT", approved);

        using (var platform = Host.Client(HostUnderTest.PlatformKey))
        using (var r = await platform.PostAsync($"/api/projects/{code}/events/construction-finished", new { }, "finished-" + code))
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        // The read model shows the acceptance rounds as each reports: wait for the one the test decides, not for any.
        project = await Host.WaitForProjectAsync(code, p => (string?)p["phase"] == "JointAcceptance"
            && p.OpenItems().Any(i => (string?)i["itemCode"] == "S4-QUALITY-SUPERVISION"), "joint acceptance");
        var acceptance = project.OpenItems().ToList();
        Assert.Single(acceptance.Select(i => (string?)i["due"]!["dueAtUtc"]).Distinct());

        // One acceptance item asks for rectification, the applicant reports it done, then it passes.
        var quality = acceptance.First(i => (string?)i["itemCode"] == "S4-QUALITY-SUPERVISION");
        var qualityCode = (string)quality["itemCode"]!;
        using (var r = await Host.DecideAsync(code, quality, new { kind = "Rectify", days = 10, reasons = new[] { "外墙保温层厚度不足" } }))
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        await Host.WaitForProjectAsync(code, p => p.Item(qualityCode).State() == "Rectifying", "rectifying");
        using (var platform = Host.Client(HostUnderTest.PlatformKey))
        using (var r = await platform.PostAsync($"/api/projects/{code}/items/{qualityCode}/materials", new { materials = new[] { "整改报告" } }, null))
            Assert.True(r.StatusCode == HttpStatusCode.Accepted, await r.Content.ReadAsStringAsync());
        await Host.WaitForProjectAsync(code, p => p.Item(qualityCode).State() != "Rectifying" || (bool)p.Item(qualityCode)["open"]!, "re-inspection");

        await Host.ApproveAllOpenAsync(code, p => (string?)p["phase"] == "Completed");
        project = await Host.WaitForProjectAsync(code, p => (string?)p["phase"] == "Completed", "completion");
        Assert.Equal("Completed", (string?)project["runtimeStatus"]);
        Assert.Empty(project["escalations"]!.AsArray());
        Assert.Equal("completed", (string?)project["timeline"]!.AsArray()[^1]!["kind"]);
        Assert.All(project.Items().SelectMany(i => i["decisions"]!.AsArray()).Where(d => (string?)d!["actor"]!["role"] == "department"),
            d => Assert.StartsWith("test-", (string?)d!["actor"]!["name"]));
    }
}
