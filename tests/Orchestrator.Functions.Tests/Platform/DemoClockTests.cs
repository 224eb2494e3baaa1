using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.SelfHost.Demo;
using Orchestrator.SelfHost.Scheduled;
using Orchestrator.Functions.Tests.Infrastructure;
using Orchestrator.Orchestrations.Clocks;
using static Orchestrator.Functions.Tests.Platform.PlatformRequests;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>The fast demo clock (Demo:ClockSpeed, Demo:StartAt): off by default, refused outside Development, and fast enough to watch an item go overdue and escalate.</summary>
public sealed class DemoClockTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task The_demo_clock_runs_fast_from_its_start_and_scales_timers_without_spinning()
    {
        var clock = new DomainTimeProvider(TimeProvider.System, 3600, Monday, TimeSpan.FromMilliseconds(500));
        Assert.True(clock.GetUtcNow() - Monday < TimeSpan.FromMinutes(10));
        await Task.Delay(200);
        Assert.True(clock.GetUtcNow() - Monday >= TimeSpan.FromMinutes(10)); // 200 ms real = 12 min at 3600x

        Assert.Equal(TimeSpan.FromSeconds(1), clock.ToReal(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), clock.ToReal(TimeSpan.FromMilliseconds(100))); // short polls stay as they are
        Assert.Equal(TimeSpan.FromMilliseconds(500), clock.ToReal(TimeSpan.FromSeconds(30)));    // never below the floor
        Assert.Equal(Timeout.InfiniteTimeSpan, clock.ToReal(Timeout.InfiniteTimeSpan));

        var started = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromHours(1), clock); // one demo hour
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("Testing")]
    [InlineData("Production")]
    public async Task The_demo_clock_is_refused_outside_Development(string environment)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartAsync(s => s["Demo:ClockSpeed"] = "600", environment: environment));
        Assert.Contains($"refused in the '{environment}' environment", error.Message);
        Assert.Contains("Demo:ClockSpeed", error.Message);
    }

    [Fact]
    public async Task Off_by_default_the_service_runs_on_real_time()
    {
        await using var host = await HostUnderTest.StartAsync();
        using var client = host.Client(HostUnderTest.ViewerKey);
        var clock = await (await client.GetAsync("/api/clock")).ReadJsonAsync();
        Assert.Equal(1, (double)clock["clockSpeed"]!);
        Assert.Null((string?)clock["startedAt"]);
        Assert.InRange(DateTimeOffset.Parse((string)clock["now"]!), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task In_a_fast_clock_demo_an_item_goes_overdue_and_escalates_to_the_joint_meeting_within_seconds()
    {
        await using var host = await HostUnderTest.StartAsync(s =>
        {
            PlatformKeys.Add(s);
            s["LocalSettings:Enabled"] = "false";
            s["Demo:ClockSpeed"] = "40000"; // a day in about 2 seconds
            s["Demo:StartAt"] = Monday.ToString("O");
        }, builder => builder.AddApprovalLifecycle(), environment: "Development");

        using var viewer = host.Client(HostUnderTest.ViewerKey);
        var clock = await (await viewer.GetAsync("/api/clock")).ReadJsonAsync();
        Assert.Equal(40000, (double)clock["clockSpeed"]!);
        Assert.Equal(Monday, DateTimeOffset.Parse((string)clock["startedAt"]!));

        var code = NewProjectCode();
        var project = await host.FileAsync(code);
        Assert.True(DateTimeOffset.Parse((string)project["filedAt"]!) < Monday.AddDays(3), "filed on the demo clock");

        // Nobody decides: the 5-working-day items pass their due date (Monday 9 March) and escalate.
        project = await host.WaitForProjectAsync(code, p => p["escalations"]!.AsArray().Count > 0, "an escalation", TimeSpan.FromSeconds(90));
        var escalation = project["escalations"]!.AsArray()[0]!;
        Assert.Equal("DecisionOverdue", (string?)escalation["cause"]);
        Assert.Contains((string?)escalation["level"], new[] { "JointMeeting", "Leadership" });
        var overdue = project.Items().Where(i => (string?)i["light"] == "Red").ToList();
        Assert.NotEmpty(overdue);
        Assert.Contains(overdue, i => ((JsonArray)escalation["itemCodes"]!).Any(c => (string?)c == (string?)i["itemCode"]));

        using var board = await viewer.GetAsync("/api/sla/board");
        var json = await board.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.True((int)json["red"]! > 0, json.ToJsonString());

        // A late decision still counts, and the record says how late.
        var late = overdue[0];
        using (var r = await host.DecideAsync(code, late, new { kind = "Approve", note = "逾期办结" }))
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        project = await host.WaitForProjectAsync(code, p => p.Item((string)late["itemCode"]!).State() == "Approved", "late approval");
        Assert.True((int)project.Item((string)late["itemCode"]!)["workingDaysLate"]! > 0);
    }
}
