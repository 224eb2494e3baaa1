using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

/// <summary>The management API's shape, status codes and errors, on the real host (DTFx on Azure Storage over the shared Azurite).</summary>
public sealed class ManagementApiTests(AzuriteHostFixture fixture) : IClassFixture<AzuriteHostFixture>
{
    private const string P = HostUnderTest.Prefix;
    private readonly HttpClient _ops = fixture.Host.Client();

    private static string NewId(string tag) => $"{tag}-{Guid.NewGuid():N}";

    private async Task AssertNothingStoredAsync(string idPrefix)
    {
        var found = await _ops.ListAsync($"instanceIdPrefix={Uri.EscapeDataString(idPrefix)}");
        Assert.Empty(found);
        using var status = await _ops.GetAsync($"{P}/instances/{Uri.EscapeDataString(idPrefix)}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task Start_answers_202_with_the_management_uris_and_a_location_header()
    {
        var id = NewId("start");
        using var response = await _ops.PostAsync($"{P}/orchestrators/HelloSequence/{id}", Infrastructure.Api.Json("""{"count":2,"delayMs":0}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();

        Assert.Equal(id, (string?)body["id"]);
        var status = (string)body["statusQueryGetUri"]!;
        Assert.Equal(new Uri(fixture.Host.BaseAddress, $"{P}/instances/{id}"), new Uri(status));
        Assert.Equal(new Uri(status), response.Headers.Location);
        Assert.Equal($"{status}/raiseEvent/{{eventName}}", (string?)body["sendEventPostUri"]);
        Assert.Equal($"{status}/terminate?reason={{text}}", (string?)body["terminatePostUri"]);
        Assert.Equal($"{status}/suspend?reason={{text}}", (string?)body["suspendPostUri"]);
        Assert.Equal($"{status}/resume?reason={{text}}", (string?)body["resumePostUri"]);
        Assert.Equal(status, (string?)body["purgeHistoryDeleteUri"]);
        Assert.DoesNotContain("key", response.Content.Headers.ToString() + body.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var ended = await _ops.WaitForEndAsync(id);
        Assert.Equal("Completed", (string?)ended["runtimeStatus"]);
    }

    [Fact]
    public async Task Start_without_an_instance_id_generates_one()
    {
        var body = await _ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""");
        var id = (string)body["id"]!;
        Assert.False(string.IsNullOrWhiteSpace(id));
        await _ops.WaitForEndAsync(id);
    }

    [Fact]
    public async Task Status_is_202_while_running_and_200_with_output_once_completed()
    {
        var id = NewId("approval");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        var running = await _ops.WaitForStatusAsync(id, "Running");
        using (var response = await _ops.GetAsync($"{P}/instances/{id}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var json = await response.ReadJsonAsync();
            Assert.Equal("ApprovalWithTimeout", (string?)json["name"]);
            Assert.Equal(id, (string?)json["instanceId"]);
            Assert.Equal(3600, (int?)json["input"]!["timeoutSeconds"]);
            Assert.True(DateTimeOffset.TryParse((string?)json["createdTime"], out _));
            Assert.True(DateTimeOffset.TryParse((string?)json["lastUpdatedTime"], out _));
            Assert.Null(json["historyEvents"]);
        }

        using (var raise = await _ops.PostAsync($"{P}/instances/{id}/raiseEvent/Approval", Infrastructure.Api.Json("true")))
        {
            Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        }
        var ended = await _ops.WaitForEndAsync(id);
        Assert.Equal("Completed", (string?)ended["runtimeStatus"]);
        Assert.Equal("approved", (string?)ended["output"]);
        _ = running;
    }

    [Fact]
    public async Task Status_with_history_lists_events_with_type_and_timestamp_and_results_only_when_asked()
    {
        var id = NewId("history");
        await _ops.StartAsync("HelloSequence", """{"count":2,"delayMs":0}""", id);
        await _ops.WaitForEndAsync(id);

        var withHistory = await _ops.WaitForEndAsync(id, "?showHistory=true");
        var events = withHistory["historyEvents"]!.AsArray();
        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.False(string.IsNullOrEmpty((string?)e!["EventType"]));
            Assert.True(DateTimeOffset.TryParse((string?)e["Timestamp"], out _));
            Assert.Null(e["Result"]);
        });
        Assert.Contains(events.Take(2), e => (string?)e!["EventType"] == "ExecutionStarted");
        Assert.Contains(events, e => (string?)e!["EventType"] == "TaskCompleted");
        // DTFx closes each episode with an OrchestratorCompleted marker: the last event apart from those is the completion.
        Assert.Equal("ExecutionCompleted", (string?)events.Last(e => (string?)e!["EventType"] is not ("OrchestratorCompleted" or "OrchestratorStarted"))!["EventType"]);

        var withOutput = await _ops.WaitForEndAsync(id, "?showHistory=true&showHistoryOutput=true");
        var completed = withOutput["historyEvents"]!.AsArray().Last(e => (string?)e!["EventType"] == "ExecutionCompleted")!;
        Assert.NotNull(completed["Result"]);
        Assert.Contains(withOutput["historyEvents"]!.AsArray(), e => (string?)e!["EventType"] == "TaskCompleted" && e["Result"] is not null);

        var noInput = await _ops.WaitForEndAsync(id, "?showInput=false");
        Assert.False(noInput.AsObject().ContainsKey("input"));
        var withInput = await _ops.WaitForEndAsync(id);
        Assert.Equal(2, (int?)withInput["input"]!["count"]);
        Assert.Equal(2, withInput["output"]!.AsArray().Count);
    }

    [Fact]
    public async Task Status_of_an_unknown_instance_is_404_problem()
    {
        using var response = await _ops.GetAsync($"{P}/instances/{NewId("nobody")}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "instance-not-found", "instanceId");
    }

    [Fact]
    public async Task Bad_boolean_query_parameter_is_400_naming_it()
    {
        using var response = await _ops.GetAsync($"{P}/instances/x?showHistory=yes");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-query-parameter", "showHistory");
    }

    [Fact]
    public async Task Starting_an_id_that_is_running_is_409_and_does_not_start_a_second_instance()
    {
        var id = NewId("dup");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        using var again = await _ops.PostAsync($"{P}/orchestrators/ApprovalWithTimeout/{id}", Infrastructure.Api.Json("""{"timeoutSeconds":5}"""));
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "instance-exists", "instanceId");
        var status = await (await _ops.GetAsync($"{P}/instances/{id}")).ReadJsonAsync();
        Assert.Equal(3600, (int?)status["input"]!["timeoutSeconds"]);
        using var _ = await _ops.PostAsync($"{P}/instances/{id}/terminate", null);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_nothing_is_stored()
    {
        var id = NewId("badjson");
        using var response = await _ops.PostAsync($"{P}/orchestrators/HelloSequence/{id}", Infrastructure.Api.Json("""{"count": 2,"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-json", "body");
        Assert.Contains("JSON", (string?)problem["detail"]);
        await AssertNothingStoredAsync(id);
    }

    [Fact]
    public async Task Unknown_orchestrator_is_404_naming_the_field_and_nothing_is_stored()
    {
        var id = NewId("unknown");
        using var response = await _ops.PostAsync($"{P}/orchestrators/NoSuchWorkflow/{id}", Infrastructure.Api.Json("{}"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "unknown-orchestrator", "name");
        Assert.Contains("NoSuchWorkflow", (string?)problem["detail"]);
        await AssertNothingStoredAsync(id);
    }

    [Fact]
    public async Task Oversized_body_is_413_before_reading_and_nothing_is_stored()
    {
        var id = NewId("big");
        var big = "{\"blob\":\"" + new string('x', AzuriteHostFixture.BodyLimit * 2) + "\"}";
        using var response = await _ops.PostAsync($"{P}/orchestrators/HelloSequence/{id}", Infrastructure.Api.Json(big));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        await AssertNothingStoredAsync(id);
    }

    [Fact]
    public async Task Oversized_chunked_body_without_content_length_is_413_and_nothing_is_stored()
    {
        var id = NewId("chunked");
        var big = Encoding.UTF8.GetBytes("{\"blob\":\"" + new string('x', AzuriteHostFixture.BodyLimit * 2) + "\"}");
        using var content = new StreamContent(new MemoryStream(big));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{P}/orchestrators/HelloSequence/{id}") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _ops.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        await AssertNothingStoredAsync(id);
    }

    [Theory]
    [InlineData("bad%23id")]    // '#'
    [InlineData("bad%3Fid")]    // '?'
    [InlineData("bad%5Cid")]    // '\'
    public async Task Bad_instance_id_is_400_and_nothing_is_stored(string encodedId)
    {
        using var response = await _ops.PostAsync($"{P}/orchestrators/HelloSequence/{encodedId}", Infrastructure.Api.Json("""{"count":1}"""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-instance-id", "instanceId");
        Assert.Empty(await _ops.ListAsync("instanceIdPrefix=bad"));
    }

    [Fact]
    public async Task Too_long_instance_id_is_400()
    {
        var id = new string('a', 300);
        using var response = await _ops.PostAsync($"{P}/orchestrators/HelloSequence/{id}", Infrastructure.Api.Json("""{"count":1}"""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-instance-id", "instanceId");
        Assert.Empty(await _ops.ListAsync($"instanceIdPrefix={id}"));
    }

    [Fact]
    public async Task RaiseEvent_with_the_same_idempotency_key_is_applied_once()
    {
        // EternalCounter-free check: ApprovalWithTimeout completes on the first Approval; a repeat with the same key
        // must be accepted (202) while the instance still runs, or be a no-op 410 once it ended — never a second event.
        var id = NewId("idem");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await _ops.WaitForStatusAsync(id, "Running");
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{P}/instances/{id}/raiseEvent/Approval") { Content = Infrastructure.Api.Json("true") };
            request.Headers.Add("Idempotency-Key", "approval-1");
            using var response = await _ops.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Gone, $"{(int)response.StatusCode}");
        }
        var ended = await _ops.WaitForEndAsync(id, "?showHistory=true");
        Assert.Equal("approved", (string?)ended["output"]);
        Assert.Single(ended["historyEvents"]!.AsArray(), e => (string?)e!["EventType"] == "EventRaised");
    }

    [Fact]
    public async Task RaiseEvent_with_malformed_json_is_400_and_not_delivered()
    {
        var id = NewId("raisebad");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        using var response = await _ops.PostAsync($"{P}/instances/{id}/raiseEvent/Approval", Infrastructure.Api.Json("{nope"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-json", "body");
        var status = await _ops.WaitForStatusAsync(id, "Running");
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
        var withHistory = await (await _ops.GetAsync($"{P}/instances/{id}?showHistory=true")).ReadJsonAsync();
        Assert.DoesNotContain(withHistory["historyEvents"]!.AsArray(), e => (string?)e!["EventType"] == "EventRaised");
        using var _ = await _ops.PostAsync($"{P}/instances/{id}/terminate", null);
    }

    [Fact]
    public async Task Commands_on_an_unknown_instance_are_404_and_create_nothing()
    {
        // DTFx itself would accept these and drop them (or, for an event, leave a message behind): the API checks first.
        var id = NewId("ghost");
        foreach (var command in new[] { "raiseEvent/Approval", "terminate", "suspend", "resume", "restart" })
        {
            using var response = await _ops.PostAsync($"{P}/instances/{id}/{command}", command.StartsWith("raise") ? Infrastructure.Api.Json("true") : null);
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "instance-not-found", "instanceId");
        }
        using var purge = await _ops.DeleteAsync($"{P}/instances/{id}");
        await purge.AssertProblemAsync(HttpStatusCode.NotFound, "instance-not-found", "instanceId");
        await AssertNothingStoredAsync(id);
    }

    [Fact]
    public async Task Commands_on_an_ended_instance_are_410_Gone_and_nothing_reaches_it()
    {
        var id = NewId("ended");
        await _ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""", id);
        var before = await _ops.WaitForEndAsync(id, "?showHistory=true");
        foreach (var command in new[] { "raiseEvent/Approval", "terminate?reason=late", "suspend?reason=late", "resume?reason=late" })
        {
            using var response = await _ops.PostAsync($"{P}/instances/{id}/{command}", command.StartsWith("raise") ? Infrastructure.Api.Json("true") : null);
            await response.AssertProblemAsync(HttpStatusCode.Gone, "instance-ended", "instanceId");
        }
        var after = await _ops.WaitForEndAsync(id, "?showHistory=true");
        Assert.Equal("Completed", (string?)after["runtimeStatus"]);
        Assert.Equal(before["lastUpdatedTime"]!.ToJsonString(), after["lastUpdatedTime"]!.ToJsonString());
        Assert.Equal(before["historyEvents"]!.AsArray().Count, after["historyEvents"]!.AsArray().Count);
        Assert.DoesNotContain(after["historyEvents"]!.AsArray(), e => (string?)e!["EventType"] is "EventRaised" or "ExecutionTerminated" or "ExecutionSuspended");
    }

    [Fact]
    public async Task Commands_on_a_terminated_instance_are_410_Gone()
    {
        var id = NewId("terminated");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await _ops.WaitForStatusAsync(id, "Running");
        using (var terminate = await _ops.PostAsync($"{P}/instances/{id}/terminate", null))
            Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal("Terminated", (string?)(await _ops.WaitForEndAsync(id))["runtimeStatus"]);
        foreach (var command in new[] { "raiseEvent/Approval", "terminate", "suspend", "resume" })
        {
            using var response = await _ops.PostAsync($"{P}/instances/{id}/{command}", command.StartsWith("raise") ? Infrastructure.Api.Json("true") : null);
            await response.AssertProblemAsync(HttpStatusCode.Gone, "instance-ended", "instanceId");
        }
    }

    [Fact]
    public async Task RaiseEvent_retried_with_the_same_idempotency_key_is_answered_202_Idempotent_Replayed_and_raised_once()
    {
        // An event the instance does not wait for ("Note"), so it keeps running and the retry meets a running instance.
        var id = NewId("replay");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await _ops.WaitForStatusAsync(id, "Running");
        async Task<HttpResponseMessage> RaiseAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{P}/instances/{id}/raiseEvent/Note") { Content = Infrastructure.Api.Json("\"hello\"") };
            request.Headers.Add("Idempotency-Key", key);
            return await _ops.SendAsync(request);
        }
        using (var first = await RaiseAsync("note-1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        }
        using (var second = await RaiseAsync("note-1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
            Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        }
        using (var other = await RaiseAsync("note-2"))
        {
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
            Assert.False(other.Headers.Contains("Idempotent-Replayed"));
        }

        // Both distinct keys arrive, the replayed one does not: two EventRaised in the history.
        var deadline = DateTime.UtcNow + Infrastructure.Api.DefaultPatience;
        JsonArray events;
        do
        {
            await Task.Delay(200);
            events = (await (await _ops.GetAsync($"{P}/instances/{id}?showHistory=true")).ReadJsonAsync())["historyEvents"]!.AsArray();
        } while (events.Count(e => (string?)e!["EventType"] == "EventRaised") < 2 && DateTime.UtcNow < deadline);
        using (var approve = await _ops.PostAsync($"{P}/instances/{id}/raiseEvent/Approval", Infrastructure.Api.Json("true")))
            Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        var ended = await _ops.WaitForEndAsync(id, "?showHistory=true");
        Assert.Equal("approved", (string?)ended["output"]);
        Assert.Equal(3, ended["historyEvents"]!.AsArray().Count(e => (string?)e!["EventType"] == "EventRaised"));
    }

    [Fact]
    public async Task Terminate_ends_a_running_instance_with_the_reason()
    {
        var id = NewId("term");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        using var response = await _ops.PostAsync($"{P}/instances/{id}/terminate?reason=no%20longer%20needed", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ended = await _ops.WaitForEndAsync(id);
        Assert.Equal("Terminated", (string?)ended["runtimeStatus"]);
        Assert.Equal("no longer needed", (string?)ended["output"]);
    }

    [Fact]
    public async Task Suspend_and_resume_change_the_runtime_status()
    {
        var id = NewId("susp");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await _ops.WaitForStatusAsync(id, "Running");
        using (var suspend = await _ops.PostAsync($"{P}/instances/{id}/suspend?reason=audit", null))
            Assert.Equal(HttpStatusCode.Accepted, suspend.StatusCode);
        await _ops.WaitForStatusAsync(id, "Suspended");
        using (var status = await _ops.GetAsync($"{P}/instances/{id}"))
            Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
        using (var resume = await _ops.PostAsync($"{P}/instances/{id}/resume?reason=done", null))
            Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        await _ops.WaitForStatusAsync(id, "Running");
        using (var raise = await _ops.PostAsync($"{P}/instances/{id}/raiseEvent/Approval", Infrastructure.Api.Json("true")))
            Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        Assert.Equal("approved", (string?)(await _ops.WaitForEndAsync(id))["output"]);
    }

    [Fact]
    public async Task Restart_runs_an_ended_instance_again_under_the_same_or_a_new_id()
    {
        var id = NewId("restart");
        await _ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""", id);
        await _ops.WaitForEndAsync(id);

        using (var same = await _ops.PostAsync($"{P}/instances/{id}/restart", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, same.StatusCode);
            Assert.Equal(id, (string?)(await same.ReadJsonAsync())["id"]);
        }
        Assert.Equal("Completed", (string?)(await _ops.WaitForEndAsync(id))["runtimeStatus"]);

        using var fresh = await _ops.PostAsync($"{P}/instances/{id}/restart?restartWithNewInstanceId=true", null);
        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        var body = await fresh.ReadJsonAsync();
        var newId = (string)body["id"]!;
        Assert.NotEqual(id, newId);
        Assert.Equal(new Uri((string)body["statusQueryGetUri"]!), fresh.Headers.Location);
        var ended = await _ops.WaitForEndAsync(newId);
        Assert.Equal(1, (int?)ended["input"]!["count"]);
    }

    [Fact]
    public async Task Restart_of_a_running_instance_under_its_own_id_is_409()
    {
        var id = NewId("restartrun");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        using var response = await _ops.PostAsync($"{P}/instances/{id}/restart", null);
        await response.AssertProblemAsync(HttpStatusCode.Conflict, "instance-exists", "instanceId");
        using var _ = await _ops.PostAsync($"{P}/instances/{id}/terminate", null);
    }

    [Fact]
    public async Task Purge_deletes_an_ended_instance_then_answers_404()
    {
        var id = NewId("purge");
        await _ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""", id);
        await _ops.WaitForEndAsync(id);
        using (var purge = await _ops.DeleteAsync($"{P}/instances/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
            Assert.Equal(1, (int?)(await purge.ReadJsonAsync())["instancesDeleted"]);
        }
        using (var again = await _ops.DeleteAsync($"{P}/instances/{id}"))
            await again.AssertProblemAsync(HttpStatusCode.NotFound, "instance-not-found", "instanceId");
        using (var status = await _ops.GetAsync($"{P}/instances/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task Purge_of_a_running_instance_is_409_and_keeps_it()
    {
        var id = NewId("purgerun");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);
        await _ops.WaitForStatusAsync(id, "Running");
        using var purge = await _ops.DeleteAsync($"{P}/instances/{id}");
        await purge.AssertProblemAsync(HttpStatusCode.Conflict, "instance-not-ended", "instanceId");
        using (var status = await _ops.GetAsync($"{P}/instances/{id}"))
            Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
        using var _ = await _ops.PostAsync($"{P}/instances/{id}/terminate", null);
    }

    [Fact]
    public async Task Query_pages_with_the_continuation_token_and_filters_by_prefix_status_and_time()
    {
        var prefix = NewId("page") + "-";
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++) await _ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""", $"{prefix}{i}");
        await _ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", $"{prefix}running");
        for (var i = 0; i < 5; i++) await _ops.WaitForEndAsync($"{prefix}{i}");
        await _ops.WaitForStatusAsync($"{prefix}running", "Running");

        // Paging: top=2 over 6 instances gives pages with a continuation token until the last.
        var pages = 0;
        var seen = new List<string>();
        string? token = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{P}/instances?instanceIdPrefix={prefix}&top=2");
            if (token is not null) request.Headers.Add("x-ms-continuation-token", token);
            using var response = await _ops.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.ReadJsonAsync()).AsArray();
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(n => (string)n!["instanceId"]!));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var v) ? v.Single() : null;
            pages++;
        } while (token is not null && pages < 10);
        Assert.Null(token);
        Assert.True(pages >= 3, $"expected at least 3 pages, got {pages}");
        Assert.Equal(6, seen.Distinct().Count());
        Assert.All(seen, s => Assert.StartsWith(prefix, s));

        var completed = await _ops.ListAsync($"instanceIdPrefix={prefix}&runtimeStatus=Completed");
        Assert.Equal(5, completed.Count);
        Assert.All(completed, n => Assert.Equal("Completed", (string?)n["runtimeStatus"]));
        var both = await _ops.ListAsync($"instanceIdPrefix={prefix}&runtimeStatus=Running,Completed");
        Assert.Equal(6, both.Count);
        Assert.All(both, n => Assert.False(n.AsObject().ContainsKey("input")));
        var withInput = await _ops.ListAsync($"instanceIdPrefix={prefix}&runtimeStatus=running&showInput=true");
        Assert.Equal(3600, (int?)Assert.Single(withInput)["input"]!["timeoutSeconds"]);

        var from = Uri.EscapeDataString(before.ToString("O"));
        Assert.Equal(6, (await _ops.ListAsync($"instanceIdPrefix={prefix}&createdTimeFrom={from}")).Count);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.Empty(await _ops.ListAsync($"instanceIdPrefix={prefix}&createdTimeFrom={future}"));
        Assert.Empty(await _ops.ListAsync($"instanceIdPrefix={prefix}&createdTimeTo={from}"));

        using var _ = await _ops.PostAsync($"{P}/instances/{prefix}running/terminate", null);
    }

    [Theory]
    [InlineData("runtimeStatus=Runing", "runtimeStatus")]
    [InlineData("runtimeStatus=1", "runtimeStatus")]
    [InlineData("createdTimeFrom=yesterday", "createdTimeFrom")]
    [InlineData("createdTimeTo=2026-13-45", "createdTimeTo")]
    [InlineData("top=0", "top")]
    [InlineData("top=100000", "top")]
    [InlineData("top=ten", "top")]
    [InlineData("showInput=maybe", "showInput")]
    public async Task Query_with_a_bad_parameter_is_400_naming_it(string query, string field)
    {
        using var response = await _ops.GetAsync($"{P}/instances?{query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-query-parameter", field);
    }

    [Fact]
    public async Task Query_with_a_forged_continuation_token_is_a_page_or_a_400_never_a_500()
    {
        // DTFx Azure Storage tokens are JSON; a forged one must be refused with 400 or read as a page, never a 500.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{P}/instances?top=1");
        request.Headers.Add("x-ms-continuation-token", "not-a-token!!");
        using var response = await _ops.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-continuation-token", "x-ms-continuation-token");
    }

    [Fact]
    public async Task Purge_by_filter_requires_createdTimeFrom()
    {
        using var response = await _ops.DeleteAsync($"{P}/instances");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "missing-query-parameter", "createdTimeFrom");
        using var bad = await _ops.DeleteAsync($"{P}/instances?createdTimeFrom=soon");
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-query-parameter", "createdTimeFrom");
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        using var response = await _ops.GetAsync($"{P}/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
