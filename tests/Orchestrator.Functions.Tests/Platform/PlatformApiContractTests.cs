using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Functions.Tests.Infrastructure;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Lifecycle;
using static Orchestrator.Functions.Tests.Platform.PlatformRequests;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>
/// The HTTP contract of /api on the real host with a recording lifecycle: keys and roles, department binding, field
/// validation, 413, malformed JSON, idempotency headers, result mapping. "Nothing recorded" means the lifecycle was never asked.
/// </summary>
public sealed class PlatformApiContractTests(FakeLifecycleHostFixture fixture) : IClassFixture<FakeLifecycleHostFixture>
{
    private FakeLifecycle Lifecycle => fixture.Lifecycle;
    private HttpClient Client(string? key) => fixture.Host.Client(key);

    private async Task<string> FiledAsync()
    {
        var code = NewProjectCode();
        using var platform = Client(HostUnderTest.PlatformKey);
        using var response = await platform.FileAsync(Filing(code));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return code;
    }

    [Theory]
    [InlineData("GET", "/api/projects")]
    [InlineData("POST", "/api/projects")]
    [InlineData("GET", "/api/projects/2603-141124-89-05-346948")]
    [InlineData("GET", "/api/projects/2603-141124-89-05-346948/plan")]
    [InlineData("POST", "/api/projects/2603-141124-89-05-346948/items/S1-EIA/materials")]
    [InlineData("POST", "/api/projects/2603-141124-89-05-346948/events/land-rights-obtained")]
    [InlineData("POST", "/api/projects/2603-141124-89-05-346948/events/material-change")]
    [InlineData("POST", "/api/projects/2603-141124-89-05-346948/events/construction-finished")]
    [InlineData("GET", "/api/departments/HCD/items")]
    [InlineData("POST", "/api/departments/HCD/items/2603-141124-89-05-346948/S3-DRAWING-REVIEW/decisions")]
    [InlineData("GET", "/api/sla/board")]
    [InlineData("GET", "/api/clock")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/openapi")]
    public async Task Every_route_needs_a_key(string method, string path)
    {
        using var client = Client(null);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Infrastructure.Api.Json("{}") : null });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-api-key");
        using var wrong = Client("no-such-key-anywhere");
        using var invalid = await wrong.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await invalid.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid-api-key");
    }

    [Fact]
    public async Task Filing_twice_answers_201_then_200_with_the_same_instance_and_the_actor_comes_from_the_key()
    {
        var code = NewProjectCode();
        using var platform = Client(HostUnderTest.PlatformKey);
        using var first = await platform.FileAsync(Filing(code));
        var firstBody = await first.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/projects/{code}", first.Headers.Location?.OriginalString);
        Assert.Equal("Created", (string?)firstBody["outcome"]);
        Assert.Equal($"project-{code}", (string?)firstBody["instanceId"]);

        using var second = await platform.FileAsync(Filing(code));
        var secondBody = await second.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Existing", (string?)secondBody["outcome"]);
        Assert.Equal((string?)firstBody["instanceId"], (string?)secondBody["instanceId"]);

        var filed = (FileProjectRequest)Lifecycle.CallsFor(code).First().Payload;
        Assert.Equal(new Actor("test-platform", "platform"), filed.Actor);
        Assert.Equal(InvestmentNatureOf("EnterpriseFiling"), filed.InvestmentNature);
    }

    private static Orchestrations.Catalog.InvestmentNature InvestmentNatureOf(string s) => Enum.Parse<Orchestrations.Catalog.InvestmentNature>(s);

    [Fact]
    public async Task An_actor_in_the_body_is_refused_as_an_unknown_field()
    {
        var code = NewProjectCode();
        using var platform = Client(HostUnderTest.PlatformKey);
        using var response = await platform.FileAsync(Filing(code, b => b["actor"] = new JsonObject { ["name"] = "someone-else", ["role"] = "ops" }));
        var messages = await response.AssertFieldErrorAsync("actor");
        Assert.Contains("not a field", messages[0]);
        Assert.Empty(Lifecycle.CallsFor(code));
    }

    [Fact]
    public async Task Filing_errors_name_the_field_and_nothing_is_recorded()
    {
        using var platform = Client(HostUnderTest.PlatformKey);

        using (var r = await platform.FileAsync(Filing("", b => b.Remove("projectCode"))))
            Assert.Contains("Required", (await r.AssertFieldErrorAsync("projectCode"))[0]);

        using (var r = await platform.FileAsync(Filing("2603-14112-89-05-346948")))
            Assert.Contains("does not have the form", (await r.AssertFieldErrorAsync("projectCode"))[0]);

        var code = NewProjectCode();
        const string badUscc = "91350100M000100Y4Z";
        using (var r = await platform.FileAsync(Filing(code, b => b["uscc"] = badUscc)))
        {
            var expected = UnifiedSocialCreditCode.Validate(badUscc, UsccValidationMode.Strict).ErrorMessage;
            Assert.False(string.IsNullOrEmpty(expected));
            Assert.Equal([expected], await r.AssertFieldErrorAsync("uscc"));
        }
        using (var r = await platform.FileAsync(Filing(code, b => b["tolerance"] = new JsonArray(new JsonObject { ["itemCode"] = "S9-NOTHING", ["missingMaterials"] = new JsonArray("x") }))))
            Assert.Contains("not an item of the catalog", (await r.AssertFieldErrorAsync("tolerance[0].itemCode"))[0]);
        using (var r = await platform.FileAsync(Filing(code, b => b["chosenCommitments"] = new JsonArray("S1-EIA", "NOPE"))))
            await r.AssertFieldErrorAsync("chosenCommitments[1]");
        using (var r = await platform.FileAsync(Filing(code, b => b["investmentNature"] = "Private")))
            Assert.Contains("EnterpriseFiling", (await r.AssertFieldErrorAsync("investmentNature"))[0]);
        using (var r = await platform.FileAsync(Filing(code, b => b["totalInvestmentWan"] = "lots")))
            Assert.Equal(["Must be a number."], await r.AssertFieldErrorAsync("totalInvestmentWan"));
        using (var r = await platform.FileAsync(Filing(code, b => b["totalInvestmentWan"] = -5)))
            await r.AssertFieldErrorAsync("totalInvestmentWan");
        using (var r = await platform.FileAsync(Filing(code, b => { b["landRightsHeld"] = false; b["simulatedApproval"] = new JsonObject { ["noBasicFarmland"] = true }; })))
            await r.AssertFieldErrorAsync("simulatedApproval.fitsCityAndLandUsePlan");

        using (var r = await platform.PostAsync("/api/projects", new StringContent("{\"projectCode\": \"2603-", Encoding.UTF8, "application/json")))
            await r.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-json", "body");
        using (var r = await platform.PostAsync("/api/projects", new StringContent("[1,2]", Encoding.UTF8, "application/json")))
            await r.AssertFieldErrorAsync("body");

        Assert.Empty(Lifecycle.CallsFor(code));
    }

    [Fact]
    public async Task An_oversize_body_is_413_and_nothing_is_recorded()
    {
        var code = NewProjectCode();
        using var platform = Client(HostUnderTest.PlatformKey);
        using var response = await platform.FileAsync(Filing(code, b => b["projectName"] = new string('x', FakeLifecycleHostFixture.BodyLimit * 2)));
        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Contains("Api:MaxRequestBodyBytes", (string?)problem["detail"]);

        // Without Content-Length (chunked), the limit holds while reading.
        var chunked = new StringContent(Filing(code, b => b["projectName"] = new string('y', FakeLifecycleHostFixture.BodyLimit * 2)).ToJsonString(), Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/projects") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await platform.SendAsync(request);
        await streamed.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Empty(Lifecycle.CallsFor(code));
    }

    [Fact]
    public async Task Viewer_reads_but_may_not_change_anything()
    {
        var code = await FiledAsync();
        using var viewer = Client(HostUnderTest.ViewerKey);
        foreach (var path in new[] { "/api/projects", $"/api/projects/{code}", "/api/departments/HCD/items", "/api/sla/board", "/openapi/v1.json" })
        {
            using var read = await viewer.GetAsync(path);
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"{path}: {(int)read.StatusCode} {await read.Content.ReadAsStringAsync()}");
        }

        var before = Lifecycle.Calls.Count;
        using (var r = await viewer.FileAsync(Filing(NewProjectCode()))) await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var r = await viewer.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", new { kind = "Approve" }))
        {
            var problem = await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("viewer", (string?)problem["detail"]);
        }
        using (var r = await viewer.PostAsync($"/api/projects/{code}/events/construction-finished", null, null)) await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var r = await viewer.PostAsync($"/api/projects/{code}/items/S1-EIA/materials", new { materials = new[] { "x" } }, null)) await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, Lifecycle.Calls.Count);
    }

    [Fact]
    public async Task Roles_keep_to_their_routes()
    {
        var code = await FiledAsync();
        using var platform = Client(HostUnderTest.PlatformKey);
        using var hcd = Client(PlatformKeys.Hcd);
        var before = Lifecycle.Calls.Count;

        using (var r = await platform.GetAsync("/api/departments/HCD/items"))
            Assert.Contains("platform", (string?)(await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden"))["detail"]);
        using (var r = await platform.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", new { kind = "Approve" }))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var r = await hcd.FileAsync(Filing(NewProjectCode())))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var r = await hcd.GetAsync("/runtime/webhooks/durabletask/instances"))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, Lifecycle.Calls.Count);

        // Reads of projects and the board are open to every role.
        using (var r = await hcd.GetAsync($"/api/projects/{code}")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await hcd.GetAsync("/api/sla/board")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await hcd.GetAsync("/api/departments/HCD/items")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task A_key_of_another_department_gets_403_and_nothing_is_recorded()
    {
        var code = await FiledAsync();
        using var hcd = Client(PlatformKeys.Hcd);
        var before = Lifecycle.Calls.Count;

        using (var r = await hcd.GetAsync("/api/departments/FIRE/items"))
        {
            var detail = (string?)(await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden"))["detail"];
            Assert.Contains("'HCD'", detail);
            Assert.Contains("'FIRE'", detail);
        }
        using (var r = await hcd.DecideAsync("FIRE", code, "S3-FIRE-DESIGN", new { kind = "Approve" }, "k-" + Guid.NewGuid()))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var r = await hcd.DecideAsync("hcd", code, "S3-DRAWING-REVIEW", new { kind = "Approve" }))
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, Lifecycle.Calls.Count);

        // Through its own route, on an item of another department: the lifecycle says so, answered as 403.
        Lifecycle.ItemAnswer = (p, i) => p == code && i == "S3-FIRE-DESIGN"
            ? new CommandResult(CommandOutcome.NotYourDepartment, null, ItemState.UnderReview, "S3-FIRE-DESIGN is handled by FIRE") : null;
        try
        {
            using var r = await hcd.DecideAsync("HCD", code, "S3-FIRE-DESIGN", new { kind = "Approve" });
            await r.AssertProblemAsync(HttpStatusCode.Forbidden, "not-your-department", "itemCode");
        }
        finally { Lifecycle.ItemAnswer = null; }
        Assert.Equal(before, Lifecycle.Calls.Count);
    }

    public static TheoryData<string, string, string> Decisions => new()
    {
        { "Approve", """{"kind":"Approve","note":"符合要求"}""", "" },
        { "Reject", """{"kind":"Reject","reasons":["选址不符合规划"]}""", "" },
        { "RequestCorrection", """{"kind":"request-correction","reasons":["缺少消防设计说明"]}""", "" },
        { "StartSpecialProcedure", """{"kind":"StartSpecialProcedure","procedure":"ExpertReview","reason":"专家评审"}""", "ExpertReview" },
        { "EndSpecialProcedure", """{"kind":"EndSpecialProcedure"}""", "" },
        { "Extend", """{"kind":"Extend","days":10,"reason":"情况复杂，经负责人批准延长"}""", "10" },
        { "Rectify", """{"kind":"Rectify","days":15,"reasons":["消防通道被占用"]}""", "15" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task Every_decision_kind_reaches_the_lifecycle_with_the_key_as_actor(string kind, string body, string detail)
    {
        var code = await FiledAsync();
        using var hcd = Client(PlatformKeys.Hcd);
        var key = Guid.NewGuid().ToString();
        using var response = await hcd.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", JsonNode.Parse(body)!, key);
        var answer = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.ToJsonString());
        Assert.Equal(kind, (string?)answer["kind"]);
        Assert.Equal(key, (string?)answer["idempotencyKey"]);
        Assert.Equal("test-hcd", (string?)answer["recordedBy"]!["name"]);

        var decision = (DepartmentDecision)Lifecycle.CallsFor(code).Single(c => c.Command == "decision").Payload;
        Assert.Equal(Enum.Parse<DecisionKind>(kind), decision.Kind);
        Assert.Equal(new Actor("test-hcd", "department", "HCD"), decision.Actor);
        Assert.Equal(key, decision.IdempotencyKey);
        if (kind == "StartSpecialProcedure") Assert.Equal(SpecialProcedure.ExpertReview, decision.Procedure);
        if (kind is "Extend" or "Rectify") Assert.Equal(int.Parse(detail), decision.Days);
    }

    [Fact]
    public async Task Ops_may_decide_for_any_department_as_itself()
    {
        var code = await FiledAsync();
        using var ops = Client(HostUnderTest.OpsKey);
        using var response = await ops.DecideAsync("FIRE", code, "S3-FIRE-DESIGN", new { kind = "Approve" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var decision = (DepartmentDecision)Lifecycle.CallsFor(code).Single(c => c.Command == "decision").Payload;
        Assert.Equal(new Actor("test-ops", "ops"), decision.Actor);
    }

    [Fact]
    public async Task Decision_errors_name_the_field_and_nothing_is_recorded()
    {
        var code = await FiledAsync();
        using var hcd = Client(PlatformKeys.Hcd);
        const string item = "S3-DRAWING-REVIEW";

        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "Approved-ish" }))
            Assert.Contains("RequestCorrection", (await r.AssertFieldErrorAsync("kind"))[0]);
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "3" })) await r.AssertFieldErrorAsync("kind");
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "Extend", days = 5 }))
            Assert.Contains("reason", (await r.AssertFieldErrorAsync("reason"))[0]);
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "Extend", days = 500, reason = "x" })) await r.AssertFieldErrorAsync("days");
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "Reject" })) await r.AssertFieldErrorAsync("reasons");
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "StartSpecialProcedure", procedure = "Picnic", reason = "x" })) await r.AssertFieldErrorAsync("procedure");
        using (var r = await hcd.DecideAsync("HCD", code, "S3-NOTHING", new { kind = "Approve" })) await r.AssertFieldErrorAsync("itemCode");
        using (var r = await hcd.DecideAsync("HCD", "not-a-code", item, new { kind = "Approve" })) await r.AssertFieldErrorAsync("projectCode");
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "Approve" }, new string('k', 101))) await r.AssertFieldErrorAsync("Idempotency-Key");
        using (var r = await hcd.DecideAsync("HCD", code, item, new { kind = "Approve", days = "soon" })) Assert.Equal(["Must be a whole number."], await r.AssertFieldErrorAsync("days"));

        Assert.DoesNotContain(Lifecycle.CallsFor(code), c => c.Command == "decision");
    }

    [Fact]
    public async Task The_same_idempotency_key_is_applied_once_and_the_answer_replayed()
    {
        var code = await FiledAsync();
        using var hcd = Client(PlatformKeys.Hcd);
        var key = Guid.NewGuid().ToString();
        using var first = await hcd.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", new { kind = "Approve" }, key);
        using var second = await hcd.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", new { kind = "Approve" }, key);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(Lifecycle.CallsFor(code), c => c.Command == "decision");
    }

    [Fact]
    public async Task A_decision_on_an_item_that_is_not_open_is_409_with_its_state()
    {
        var code = await FiledAsync();
        Lifecycle.ItemAnswer = (p, i) => p == code ? new CommandResult(CommandOutcome.NotOpen, null, ItemState.Approved, "S3-DRAWING-REVIEW is Approved") : null;
        try
        {
            using var hcd = Client(PlatformKeys.Hcd);
            using var response = await hcd.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", new { kind = "Reject", reasons = new[] { "too late" } });
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "item-not-open", "itemCode");
            Assert.Equal("Approved", (string?)problem["state"]);
            Assert.Equal("S3-DRAWING-REVIEW", (string?)problem["itemCode"]);
        }
        finally { Lifecycle.ItemAnswer = null; }
    }

    [Fact]
    public async Task Commands_on_a_project_never_filed_are_404()
    {
        var code = NewProjectCode();
        using var hcd = Client(PlatformKeys.Hcd);
        using var platform = Client(HostUnderTest.PlatformKey);
        using (var r = await hcd.DecideAsync("HCD", code, "S3-DRAWING-REVIEW", new { kind = "Approve" }))
            await r.AssertProblemAsync(HttpStatusCode.NotFound, "project-not-found", "projectCode");
        using (var r = await platform.GetAsync($"/api/projects/{code}"))
            await r.AssertProblemAsync(HttpStatusCode.NotFound, "project-not-found", "projectCode");
        using (var r = await platform.GetAsync($"/api/projects/{code}/plan"))
            await r.AssertProblemAsync(HttpStatusCode.NotFound, "project-not-found", "projectCode");
        using (var r = await platform.GetAsync("/api/projects/bad-code"))
            await r.AssertFieldErrorAsync("projectCode");
    }

    [Fact]
    public async Task Project_events_and_materials_are_validated_and_reach_the_lifecycle()
    {
        var code = await FiledAsync();
        using var platform = Client(HostUnderTest.PlatformKey);
        using (var r = await platform.PostAsync($"/api/projects/{code}/events/land-rights-obtained", new { contractNumber = "GT-2026-001" }, null))
            await r.AssertFieldErrorAsync("contractDate");
        using (var r = await platform.PostAsync($"/api/projects/{code}/events/material-change", new { reason = "BiggerRoof", affectedItems = new[] { "S1-EIA" }, description = "x" }, null))
            Assert.Contains("ScaleChanged", (await r.AssertFieldErrorAsync("reason"))[0]);
        using (var r = await platform.PostAsync($"/api/projects/{code}/events/moved-in", new { }, null))
            await r.AssertProblemAsync(HttpStatusCode.NotFound, "unknown-event", "eventName");
        using (var r = await platform.PostAsync($"/api/projects/{code}/items/S1-EIA/materials", new { materials = Array.Empty<string>() }, null))
            await r.AssertFieldErrorAsync("materials");
        Assert.Single(Lifecycle.CallsFor(code));

        using (var r = await platform.PostAsync($"/api/projects/{code}/events/land-rights-obtained", new { contractDate = "2026-01-05", contractNumber = "GT-2026-001" }, "lr-1"))
            Assert.True(HttpStatusCode.Accepted == r.StatusCode, await r.Content.ReadAsStringAsync());
        using (var r = await platform.PostAsync($"/api/projects/{code}/events/material-change", new { reason = "ScaleChanged", affectedItems = new[] { "S1-EIA" }, description = "建设规模扩大" }, null))
            Assert.True(HttpStatusCode.Accepted == r.StatusCode, await r.Content.ReadAsStringAsync());
        using (var r = await platform.PostAsync($"/api/projects/{code}/items/S1-EIA/materials", new { materials = new[] { "环评批复附件" } }, null))
            Assert.True(HttpStatusCode.Accepted == r.StatusCode, await r.Content.ReadAsStringAsync());
        using (var r = await platform.PostAsync($"/api/projects/{code}/events/construction-finished", null, null))
        {
            Assert.True(HttpStatusCode.Accepted == r.StatusCode, await r.Content.ReadAsStringAsync());
            Assert.Equal($"/api/projects/{code}", r.Headers.Location?.OriginalString);
        }
        var commands = Lifecycle.CallsFor(code).Select(c => c.Command).ToList();
        Assert.Equal(["file", "land-rights", "material-change", "materials", "construction-finished"], commands);
        var land = (LandRightsObtained)Lifecycle.CallsFor(code).Single(c => c.Command == "land-rights").Payload;
        Assert.Equal(("lr-1", new DateOnly(2026, 1, 5), "test-platform"), (land.IdempotencyKey, land.ContractDate, land.Actor.Name));
    }

    [Fact]
    public async Task The_list_validates_its_filters_and_pages_with_a_continuation_token()
    {
        using var viewer = Client(HostUnderTest.ViewerKey);
        using (var r = await viewer.GetAsync("/api/projects?stage=9")) await r.AssertFieldErrorAsync("stage");
        using (var r = await viewer.GetAsync("/api/projects?light=purple")) await r.AssertFieldErrorAsync("light");
        using (var r = await viewer.GetAsync("/api/projects?pageSize=0")) await r.AssertFieldErrorAsync("pageSize");
        using (var r = await viewer.GetAsync("/api/projects?pageSize=21")) await r.AssertFieldErrorAsync("pageSize");
        using (var r = await viewer.GetAsync("/api/projects?overdue=maybe")) await r.AssertFieldErrorAsync("overdue");
        using (var r = await viewer.GetAsync("/api/projects?filedFrom=yesterday")) await r.AssertFieldErrorAsync("filedFrom");
        using (var r = await viewer.GetAsync("/api/projects?department=XYZ")) await r.AssertFieldErrorAsync("department");

        lock (Lifecycle)
        {
            Lifecycle.Summaries = Enumerable.Range(0, 5).Select(i => new ProjectSummary($"2603-141124-89-05-00000{i}", $"P{i}", Uscc, "E",
                ProjectPhase.InApproval, 1, SlaLight.Red, 2, 1, DateTimeOffset.UnixEpoch, "Running")).ToList();
        }
        var codes = new List<string>();
        string? next = "/api/projects?light=red&department=HCD&overdue=true&stage=1&filedFrom=2026-03-02&filedTo=2026-03-31&pageSize=2";
        var pages = 0;
        while (next is not null)
        {
            using var r = await viewer.GetAsync(next);
            var page = await r.ReadJsonAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, page.ToJsonString());
            codes.AddRange(page["items"]!.AsArray().Select(i => (string)i!["projectCode"]!));
            next = (string?)page["next"];
            pages++;
            var q = Lifecycle.LastListQuery!;
            Assert.Equal((SlaLight.Red, "HCD", true, 1, 2), (q.Light!.Value, q.DepartmentCode, q.Overdue!.Value, q.Stage!.Value, q.PageSize));
            Assert.Equal(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.FromHours(8)), q.FiledFrom);
            Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddTicks(-1), q.FiledTo);
        }
        Assert.Equal(3, pages);
        Assert.Equal(5, codes.Distinct().Count());
    }

    [Fact]
    public async Task The_openapi_document_covers_the_routes_with_schemas_and_the_key_scheme()
    {
        using var viewer = Client(HostUnderTest.ViewerKey);
        using var response = await viewer.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await response.ReadJsonAsync();
        var paths = doc["paths"]!.AsObject();
        foreach (var (path, method) in new[]
                 {
                     ("/api/projects", "post"), ("/api/projects", "get"), ("/api/projects/{projectCode}", "get"), ("/api/projects/{projectCode}/plan", "get"),
                     ("/api/projects/{projectCode}/items/{itemCode}/materials", "post"),
                     ("/api/projects/{projectCode}/events/land-rights-obtained", "post"), ("/api/projects/{projectCode}/events/material-change", "post"),
                     ("/api/projects/{projectCode}/events/construction-finished", "post"),
                     ("/api/departments/{departmentCode}/items", "get"), ("/api/departments/{departmentCode}/items/{projectCode}/{itemCode}/decisions", "post"),
                     ("/api/sla/board", "get"),
                 })
        {
            Assert.True(paths.ContainsKey(path) && paths[path]![method] is not null, $"{method} {path} missing");
        }
        var decide = paths["/api/departments/{departmentCode}/items/{projectCode}/{itemCode}/decisions"]!["post"]!;
        Assert.Contains(decide["parameters"]!.AsArray(), p => (string?)p!["name"] == "Idempotency-Key" && (string?)p["in"] == "header");
        Assert.NotNull(decide["requestBody"]!["content"]!["application/json"]);
        var schemas = doc["components"]!["schemas"]!.AsObject();
        foreach (var schema in new[] { "FileProjectBody", "DecisionBody", "ProjectView", "ItemView", "SlaBoard", "CommandAccepted", "FilingAnswer" })
            Assert.True(schemas.ContainsKey(schema), $"schema {schema} missing");
        var scheme = doc["components"]!["securitySchemes"]!["apiKey"]!;
        Assert.Equal(("apiKey", "x-functions-key", "header"), ((string?)scheme["type"], (string?)scheme["name"], (string?)scheme["in"]));
        Assert.NotNull(doc["security"]);
    }

    [Fact]
    public async Task The_reference_page_is_self_contained_html()
    {
        using var client = Client(null);
        using var response = await client.GetAsync($"/openapi?code={HostUnderTest.ViewerKey}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/openapi/v1.json", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script src", html);
    }

    [Fact]
    public async Task The_sla_board_and_the_clock_read_the_services_clock()
    {
        using var viewer = Client(HostUnderTest.ViewerKey);
        using var board = await viewer.GetAsync("/api/sla/board");
        var json = await board.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.True(DateTimeOffset.Parse((string)json["at"]!) > DateTimeOffset.UtcNow.AddMinutes(-5));
        using var clock = await viewer.GetAsync("/api/clock");
        Assert.Equal(1, (double)(await clock.ReadJsonAsync())["clockSpeed"]!);
    }
}
