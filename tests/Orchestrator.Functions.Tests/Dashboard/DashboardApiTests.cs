using System.Net;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests.Dashboard;

/// <summary>The dashboard's JSON and page over plain HTTP: who may read it, and its errors (problem+json).</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardApiTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_page_loads_without_a_key_from_this_host_only()
    {
        using var anonymous = fixture.Host.Client(key: null);
        using var page = await anonymous.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);

        using var script = await anonymous.GetAsync("/dashboard/dashboard.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var missing = await anonymous.GetAsync("/dashboard/nothing.js");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task The_data_needs_an_ops_or_viewer_key()
    {
        using var anonymous = fixture.Host.Client(key: null);
        using (var response = await anonymous.GetAsync("/dashboard/api/instances"))
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-api-key");
        using var platform = fixture.Host.Client(HostUnderTest.PlatformKey);
        using (var response = await platform.GetAsync("/dashboard/api/instances"))
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        using var viewer = fixture.Host.Client(HostUnderTest.ViewerKey);
        using var me = await viewer.GetAsync("/dashboard/api/me");
        var json = await me.ReadJsonAsync();
        Assert.Equal("viewer", (string?)json["role"]);
        Assert.False((bool)json["canOperate"]!);
        var ops = await (await fixture.Ops.GetAsync("/dashboard/api/me")).ReadJsonAsync();
        Assert.True((bool)ops["canOperate"]!);
    }

    [Fact]
    public async Task Bad_filters_and_unknown_instances_are_problems_naming_the_field()
    {
        using (var response = await fixture.Ops.GetAsync("/dashboard/api/instances?status=Sleeping"))
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-query-parameter", "status");
        using (var response = await fixture.Ops.GetAsync("/dashboard/api/instances?from=yesterday"))
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-query-parameter", "from");
        using (var response = await fixture.Ops.GetAsync("/dashboard/api/instances?top=0"))
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-query-parameter", "top");
        using (var response = await fixture.Ops.GetAsync("/dashboard/api/instances/no-such-instance"))
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "instance-not-found", "instanceId");
    }

    [Fact]
    public async Task An_instance_reads_with_its_history_and_a_failed_one_with_its_error()
    {
        var detail = await (await fixture.Ops.GetAsync($"/dashboard/api/instances/{fixture.FailedId}")).ReadJsonAsync();
        Assert.Equal("Failed", (string?)detail["instance"]!["runtimeStatus"]);
        Assert.Contains(DashboardFixture.FailureMessage, (string?)detail["instance"]!["failure"]!["errorMessage"]);
        Assert.Contains(detail["history"]!.AsArray(), e => (string?)e!["eventType"] == "TaskFailed");
        Assert.Null(detail["sla"]); // not a lifecycle instance
    }

    [Fact]
    public async Task The_list_shows_each_instance_version_and_filters_by_it()
    {
        var page = await (await fixture.Ops.GetAsync("/dashboard/api/instances?prefix=dash-hello-&top=50")).ReadJsonAsync();
        var rows = page["instances"]!.AsArray();
        Assert.Equal(fixture.HelloIds.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(DashboardFixture.AppVersion, (string?)r!["version"]));

        var same = await (await fixture.Ops.GetAsync($"/dashboard/api/instances?prefix=dash-hello-&version={DashboardFixture.AppVersion}")).ReadJsonAsync();
        Assert.Equal(fixture.HelloIds.Count, same["instances"]!.AsArray().Count);
        var other = await (await fixture.Ops.GetAsync("/dashboard/api/instances?prefix=dash-hello-&version=1")).ReadJsonAsync();
        Assert.Empty(other["instances"]!.AsArray());
        var unversioned = await (await fixture.Ops.GetAsync("/dashboard/api/instances?prefix=dash-hello-&version=-")).ReadJsonAsync();
        Assert.Empty(unversioned["instances"]!.AsArray());

        var detail = await (await fixture.Ops.GetAsync($"/dashboard/api/instances/{fixture.HelloIds[0]}")).ReadJsonAsync();
        Assert.Equal(DashboardFixture.AppVersion, (string?)detail["version"]);
    }
}
