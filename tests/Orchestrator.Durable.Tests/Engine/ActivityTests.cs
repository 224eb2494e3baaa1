using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class ActivityTests
{
    [Fact]
    public async Task Sequence_passes_each_result_to_the_next_call()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Chain", async (ctx, x) =>
            {
                for (var i = 0; i < 5; i++)
                    x = await ctx.CallActivityAsync<int>("Inc", x);
                return x;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", 10);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(15, result.ReadOutputAs<int>());
        HistoryAssert.WellFormed(await host.Client.GetHistoryAsync(id));
    }

    [Fact]
    public async Task FanOut_of_1000_activities_completes_with_every_result()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Square", (_, x) => Task.FromResult(x * x))
            .AddOrchestratorFunc<int, long>("FanOut", async (ctx, n) =>
            {
                var results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Square", i)));
                return results.Sum(x => (long)x);
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 1000);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(Enumerable.Range(0, 1000).Sum(i => (long)i * i), result.ReadOutputAs<long>());
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Equal(1000, history.Count(e => e.EventType == HistoryEventType.TaskScheduled));
        Assert.Equal(1000, history.Count(e => e.EventType == HistoryEventType.TaskCompleted));
        HistoryAssert.WellFormed(history);
    }

    [Fact]
    public async Task Activity_exception_surfaces_as_TaskFailedException_with_details()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Boom", (_, _) => throw new InvalidOperationException("kaput"))
            .AddOrchestratorFunc<string?, string>("Catcher", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallActivityAsync<string>("Boom");
                    return "no";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.TaskName}|{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}|{ex.FailureDetails.StackTrace is not null}";
                }
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Catcher");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("Boom|System.InvalidOperationException|kaput|True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Unhandled_orchestrator_exception_fails_the_instance_with_details()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Boom", (_, _) => throw new InvalidOperationException("kaput"))
            .AddOrchestratorFunc<string?, string>("NoCatch", async (ctx, _) => await ctx.CallActivityAsync<string>("Boom")));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("NoCatch");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(TaskFailedException).FullName, result.FailureDetails!.ErrorType);
        Assert.Contains("kaput", result.FailureDetails.ErrorMessage);
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Equal(HistoryEventType.ExecutionFailed, history[^1].EventType);
    }

    [Fact]
    public async Task Unregistered_activity_fails_the_call_with_a_clear_message()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("CallsMissing", async (ctx, _) => await ctx.CallActivityAsync<string>("Missing")));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CallsMissing");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("No activity named 'Missing'", result.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Retry_waits_with_exponential_backoff_on_durable_timers()
    {
        var attempts = new List<DateTimeOffset>();
        DurableTestHost? self = null;
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string?, string>("Flaky", (ctx, _) =>
            {
                attempts.Add(self!.Clock.GetUtcNow());
                return attempts.Count < 3 ? throw new TimeoutException("try again") : Task.FromResult("ok");
            })
            .AddOrchestratorFunc<string?, string>("Retrying", async (ctx, _) =>
                await ctx.CallActivityAsync<string>("Flaky", null, new TaskOptions(new RetryPolicy(5, TimeSpan.FromSeconds(10), backoffCoefficient: 2)))));
        self = host;
        var start = host.Clock.GetUtcNow();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying");
        await host.RunUntilIdleAsync();
        Assert.Single(attempts);
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(9));
        Assert.Single(attempts);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5));
        Assert.Equal([start, start.AddSeconds(10), start.AddSeconds(30)], attempts);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("ok", result.ReadOutputAs<string>());
        HistoryAssert.WellFormed(await host.Client.GetHistoryAsync(id));
    }

    [Fact]
    public async Task Retry_gives_up_after_max_attempts_and_throws_the_last_failure()
    {
        var count = 0;
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string?, string>("AlwaysFails", (_, _) => throw new TimeoutException($"attempt {++count}"))
            .AddOrchestratorFunc<string?, string>("GivesUp", async (ctx, _) =>
                await ctx.CallActivityAsync<string>("AlwaysFails", null, new TaskOptions(new RetryPolicy(3, TimeSpan.FromMinutes(1))))));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("GivesUp");
        await host.AdvanceTimeAsync(TimeSpan.FromHours(1));
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(3, count);
        Assert.Contains("attempt 3", result.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Duplicate_activity_execution_is_recorded_once()
    {
        var runs = 0;
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string?, int>("Counted", (_, _) => Task.FromResult(++runs))
            .AddOrchestratorFunc<string?, int>("Once", async (ctx, _) =>
            {
                var first = await ctx.CallActivityAsync<int>("Counted");
                await ctx.WaitForExternalEvent<string>("Go");
                return first;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Once");
        await host.RunUntilIdleAsync();
        // At-least-once delivery: the same work item runs again; its result must be ignored.
        var scheduled = (await host.Client.GetHistoryAsync(id)).Single(e => e.EventType == HistoryEventType.TaskScheduled);
        var execution = (await host.Client.GetInstanceAsync(id))!.ExecutionId;
        await host.Store.EnqueueActivitiesAsync([new Storage.ActivityWorkItem
        {
            Id = $"{id}|{execution}|{scheduled.EventId}", InstanceId = id, ExecutionId = execution, TaskScheduledId = scheduled.EventId, Name = "Counted",
        }], default);
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "Go", "now");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(2, runs);
        Assert.Equal(1, result.ReadOutputAs<int>());
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Single(history, e => e.EventType == HistoryEventType.TaskCompleted);
        HistoryAssert.WellFormed(history);
    }
}
