using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Hosting;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Infrastructure.Credit;
using Orchestrator.Orchestrations.Infrastructure.Notifications;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Sla;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Orchestrations.Tests.Lifecycle;

/// <summary>
/// The lifecycle on the real engine: a generic host with DTFx's TaskHubWorker over DurableTask.AzureStorage on the
/// shared Azurite (own task hub, own lifecycle tables), registered as in production by
/// <see cref="LifecycleServiceCollectionExtensions.AddApprovalLifecycle"/>, with the domain clock sped up
/// (<see cref="DomainTimeProvider"/>). The helpers drive the application services the HTTP layer uses and wait for
/// the effect of what they do (polling the query side with a real-time timeout); nothing here waits and then
/// assumes that something did not happen.
/// </summary>
internal sealed class LifecycleTestHost : IAsyncDisposable
{
    public const string GoodUscc = "91350100M000100Y43";   // grade A in the sample credit file
    public const string GradeCUscc = "9144030071526726XG"; // grade C

    /// <summary>Default domain speed: a domain day in about 4.3 real seconds.</summary>
    public const double DefaultSpeed = 20_000;

    /// <summary>Real time allowed for one awaited effect before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(150);

    /// <summary>Real time the host may take to start before the domain reaches the requested start instant.</summary>
    private static readonly TimeSpan StartupBudget = TimeSpan.FromSeconds(6);

    private const string PingOrchestrator = "LifecycleTestHostPing";

    /// <summary>
    /// Hosts that are starting and filing their first project at the same time. A start (task hub creation, leases) and a
    /// filing (six activities, the first rounds) are the heaviest load on the one Azurite; with every test class doing both at
    /// once, a filing takes seconds of real time, i.e. days of domain time. The gate is taken before the domain clock starts.
    /// </summary>
    private static readonly SemaphoreSlim StartGate = new(2);
    private static readonly TimeSpan StartGateHold = TimeSpan.FromSeconds(30);
    private int _gateReleased;

    private void ReleaseStartGate()
    {
        if (Interlocked.Exchange(ref _gateReleased, 1) == 0) StartGate.Release();
    }

    private readonly IHost _host;
    private string? _lastProject;
    private int _keys;

    private LifecycleTestHost(IHost host, DomainTimeProvider time, string hub)
    {
        _host = host;
        Time = time;
        TaskHub = hub;
    }

    public IServiceProvider Services => _host.Services;
    public DomainTimeProvider Time { get; }
    public string TaskHub { get; }
    public IProjectCommands Commands => Services.GetRequiredService<IProjectCommands>();
    public IProjectQueries Queries => Services.GetRequiredService<IProjectQueries>();
    public ICreditRegistry Credit => Services.GetRequiredService<ICreditRegistry>();
    public INotificationOutbox Outbox => Services.GetRequiredService<INotificationOutbox>();
    public SlaSweepService Sweep => Services.GetRequiredService<SlaSweepService>();
    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Domain time now.</summary>
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>
    /// Starts a host whose domain clock runs <paramref name="speed"/> times faster than real time and has reached
    /// <paramref name="start"/> (or just passed it) when this returns, with the worker processing.
    /// </summary>
    public static async Task<LifecycleTestHost> StartAsync(DateTimeOffset start, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, double speed = DefaultSpeed)
    {
        var azurite = await SharedAzurite.GetAsync();
        await StartGate.WaitAsync();
        var hub = AzuriteFixture.NewHubName("t");
        // The domain starts early enough that host start-up (real seconds, i.e. domain hours) ends before `start`.
        var time = new DomainTimeProvider(TimeProvider.System, speed, start - StartupBudget * speed, TimeSpan.FromMilliseconds(50));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        // LIFECYCLE_TEST_LOG=<folder>: each host writes its log (Information and up) to <folder>/<task hub>.log.
        if (Environment.GetEnvironmentVariable("LIFECYCLE_TEST_LOG") is { Length: > 0 } logFolder)
        {
            Directory.CreateDirectory(logFolder);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddProvider(new FileLoggerProvider(Path.Combine(logFolder, hub + ".log")));
        }
        var config = new Dictionary<string, string?>
        {
            ["Durable:AzureStorage:ConnectionString"] = azurite.ConnectionString,
            ["Durable:AzureStorage:TaskHubName"] = hub,
            ["Durable:AzureStorage:PartitionCount"] = "1",
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.500",
            ["Lifecycle:Tables:EnterpriseCredit"] = hub + "Credit",
            ["Lifecycle:Tables:Notifications"] = hub + "Notifications",
            ["Lifecycle:Tables:SlaReports"] = hub + "SlaReports",
            ["Lifecycle:Tables:Projects"] = hub + "Projects",
            ["Lifecycle:Tables:ProjectDetails"] = hub + "ProjectDetails",
            ["Lifecycle:Tables:DepartmentItems"] = hub + "DepartmentItems",
            ["Lifecycle:Tables:Escalations"] = hub + "Escalations",
            // Domain time: about a real second at the default speed, so the drain loop does not hammer Azurite.
            ["Lifecycle:Notifications:DrainInterval"] = "06:00:00",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);

        builder.Services.AddSingleton<TimeProvider>(time); // before AddApprovalLifecycle, which only TryAdds the system clock
        services?.Invoke(builder.Services);
        builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
        builder.Services.AddDurableTaskWorker(b => b.AddTasks(r =>
            r.AddOrchestratorFunc<string, string>(PingOrchestrator, (_, s) => Task.FromResult(s))));
        builder.Services.AddApprovalLifecycle(builder.Configuration);
        IHost host;
        try { host = builder.Build(); }
        catch { StartGate.Release(); throw; }
        var t = new LifecycleTestHost(host, time, hub);
        _ = Task.Delay(StartGateHold).ContinueWith(_ => t.ReleaseStartGate(), TaskScheduler.Default); // a test that files nothing
        try
        {
            // Started off the test's synchronisation context: the engine's loops must not queue behind xunit's threads.
            await Task.Run(() => host.StartAsync());
            await t.PingAsync();
        }
        catch
        {
            await t.DisposeAsync();
            throw;
        }
        await t.AdvanceToAsync(start);
        return t;
    }

    /// <summary>Runs a trivial orchestration to completion: the worker holds its lease and processes messages.</summary>
    private async Task PingAsync()
    {
        var id = "ping-" + Guid.NewGuid().ToString("N");
        await Client.ScheduleNewOrchestrationInstanceAsync(PingOrchestrator, "ping", new StartOrchestrationOptions(id));
        using var cts = new CancellationTokenSource(Timeout);
        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseStartGate();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await Task.Run(() => _host.StopAsync(cts.Token)); }
        catch (OperationCanceledException) { }
        _host.Dispose();
    }

    public static Actor Platform { get; } = new("platform-key", "platform");
    public static Actor Dept(string code) => new($"{code.ToLowerInvariant()}-officer", "department", code);

    /// <summary>A filed enterprise project with land rights, in the Jinchang development zone (4 regional assessments).</summary>
    public static FileProjectRequest Request(string projectCode, string uscc = GoodUscc, bool landRights = true, SimulatedApprovalEntry? simulated = null,
        string[]? commitments = null, ToleranceRequest[]? tolerance = null, string zone = "JINCHANG-EDZ") =>
        new(projectCode, "标准化厂房二期 (standardised factory phase II)", uscc, "示例标准厂房建设有限公司", InvestmentNature.EnterpriseFiling, 5000m,
            ProjectLevel.None, null, zone, [], landRights, simulated, commitments ?? [], tolerance ?? [], Platform);

    /// <summary>A fresh idempotency key.</summary>
    public string Key(string prefix) => $"{prefix}-{Interlocked.Increment(ref _keys)}-{Guid.NewGuid().ToString("N")[..8]}";

    // ---- waiting ----

    /// <summary>
    /// Polls the project until <paramref name="condition"/> holds; fails after <see cref="Timeout"/> (real time), or as
    /// soon as domain time passes <paramref name="notAfterDomain"/> first, with what was awaited and the last state.
    /// </summary>
    public async Task<ProjectView> WaitForAsync(string code, Func<ProjectView, bool> condition, string what, DateTimeOffset? notAfterDomain = null, TimeSpan? realTimeout = null)
    {
        var timeout = realTimeout ?? Timeout;
        var deadline = DateTime.UtcNow + timeout;
        ProjectView? last = null;
        Exception? error = null;
        while (true)
        {
            // Read the clock before the state: a state seen satisfied was reached by this domain instant at the latest.
            var domainBefore = Now;
            try
            {
                last = await Queries.GetProjectAsync(code);
                error = null;
            }
            catch (Exception e) when (e is not OperationCanceledException) { error = e; } // a transient storage error is retried
            if (last is not null && condition(last)) return last;
            if (notAfterDomain is { } limit && domainBefore > limit)
                Assert.Fail($"Domain time passed {Bj(limit)} before: {what}. Now {Bj(Now)}. Last state: {Describe(last)}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s (real) waiting for: {what}. Domain now {Bj(Now)}. Last state: {Describe(last)}{(error is null ? "" : $" Last error: {error.Message}")}"
                            + await DescribeInstancesAsync(code));
            await Task.Delay(PollInterval);
        }
    }

    /// <summary><see cref="WaitForAsync(string, Func{ProjectView, bool}, string, DateTimeOffset?)"/> on the project filed last.</summary>
    public Task<ProjectView> WaitForAsync(Func<ProjectView, bool> condition, string what, DateTimeOffset? notAfterDomain = null) =>
        WaitForAsync(_lastProject ?? throw new InvalidOperationException("No project filed yet."), condition, what, notAfterDomain);

    /// <summary>Polls any condition (e.g. a table or an instance) with the same timeout.</summary>
    public async Task<T> WaitForValueAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, DateTimeOffset? notAfterDomain = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        T last = default!;
        while (true)
        {
            var domainBefore = Now;
            last = await read();
            if (condition(last)) return last;
            if (notAfterDomain is { } limit && domainBefore > limit)
                Assert.Fail($"Domain time passed {Bj(limit)} before: {what}. Now {Bj(Now)}. Last value: {last}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {Timeout.TotalSeconds:0} s (real) waiting for: {what}. Domain now {Bj(Now)}. Last value: {last}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>True when every started round has reported (no item shows Pending).</summary>
    public static bool Settled(ProjectView v) => v.Phase != ProjectPhase.Filing && v.Items.All(i => i.State != ItemState.Pending);

    /// <summary>The project after every started round has reported.</summary>
    public Task<ProjectView> SettledAsync(string code) => WaitForAsync(code, Settled, "every started item round to report (none Pending)");

    /// <summary>The project as the query side shows it now (after started rounds have reported).</summary>
    public Task<ProjectView> ProjectAsync(string code) => SettledAsync(code);

    /// <summary>
    /// Files the project and waits until it has its plan, is InApproval and its first rounds have reported. Fails if the
    /// first rounds were accepted on a later local day than the filing (the engine too slow for the domain speed).
    /// </summary>
    public async Task<ProjectView> FileAsync(FileProjectRequest request, bool sameDay = true)
    {
        var filedAt = Now;
        var result = await Commands.FileProjectAsync(request);
        Assert.True(result.Outcome == FileProjectOutcome.Created, $"{result.Outcome}: {string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}"))}");
        _lastProject = request.ProjectCode;
        var view = await WaitForAsync(request.ProjectCode, v => v.Phase != ProjectPhase.Filing && v.Items.Count > 0 && Settled(v),
            "the filing to be processed: plan made, phase InApproval, first rounds reported");
        Assert.NotNull(await Queries.GetPlanAsync(request.ProjectCode));
        var day = ChinaTime.LocalDate(filedAt);
        var late = view.Items.Where(i => i.AcceptedAt is { } a && ChinaTime.LocalDate(a) != day).ToList();
        ReleaseStartGate();
        Assert.True(!sameDay || late.Count == 0, $"Filed on {day} ({Bj(filedAt)}) but rounds were accepted later: {string.Join(", ", late.Select(i => $"{i.ItemCode} {Bj(i.AcceptedAt!.Value)}"))}; the engine was too slow for domain speed {Time.Speed}.");
        return view;
    }

    /// <summary>
    /// Records a decision through <see cref="IProjectCommands"/>; when applied, waits until the round shows it
    /// (the decision in its record, or the event in the round's Ignored list).
    /// </summary>
    public async Task<CommandResult> DecideAsync(string code, string item, DepartmentDecision decision)
    {
        var view = await ProjectAsync(code);
        var dept = view.Items.First(i => i.ItemCode == item).DepartmentCode;
        var r = await Commands.RecordDecisionAsync(dept, code, item, decision);
        if (r.Outcome == CommandOutcome.Applied) await WaitForDecisionAsync(code, r.InstanceId!, decision.IdempotencyKey);
        return r;
    }

    /// <summary>Waits until the round <paramref name="instanceId"/> shows the decision with <paramref name="key"/>, and the project has caught up.</summary>
    public async Task<ProjectView> WaitForDecisionAsync(string code, string instanceId, string key)
    {
        await WaitForValueAsync(async () => (await Client.GetInstanceAsync(instanceId))?.ReadCustomStatusAs<ItemStatus>(),
            s => s is not null && (s.Decisions.Any(d => d.IdempotencyKey == key) || s.Ignored.Any(i => i.IdempotencyKey == key)),
            $"round {instanceId} to record decision {key}");
        var status = (await Client.GetInstanceAsync(instanceId))!.ReadCustomStatusAs<ItemStatus>()!;
        if (status.Ignored.Any(i => i.IdempotencyKey == key)) return await ProjectAsync(code);
        return await WaitForAsync(code, v => Settled(v) && v.Items.Any(i => i.InstanceId == instanceId && i.Decisions.Any(d => d.IdempotencyKey == key)),
            $"project {code} to show decision {key} of {instanceId}");
    }

    /// <summary>Approves the open round of an item and waits until it shows <paramref name="expected"/> (Approved by default).</summary>
    public async Task<CommandResult> ApproveAsync(string code, string item, ItemState expected = ItemState.Approved)
    {
        var view = await ProjectAsync(code);
        var open = view.Items.FirstOrDefault(i => i.ItemCode == item && i.Open);
        Assert.True(open is not null, $"{item} has no open round: {string.Join(", ", view.Items.Where(i => i.ItemCode == item).Select(i => $"{i.InstanceId} {i.State}"))}");
        var key = Key($"approve-{item}");
        var r = await Commands.RecordDecisionAsync(open.DepartmentCode, code, item, DepartmentDecision.Approve(Dept(open.DepartmentCode), key));
        Assert.True(r.Outcome == CommandOutcome.Applied, $"{item}: {r.Outcome} {r.State} {r.Message}");
        view = await WaitForDecisionAsync(code, r.InstanceId!, key);
        Assert.Equal(expected, view.Items.Single(i => i.InstanceId == r.InstanceId).State);
        return r;
    }

    /// <summary>
    /// Approves every open item (repeating as new ones open) except those named; returns the items approved. The
    /// open items of a round of approvals are decided together, then the helper waits for all of them.
    /// </summary>
    public async Task<List<string>> ApproveAllOpenAsync(string code, params string[] except)
    {
        var approved = new List<string>();
        for (var guard = 0; guard < 50; guard++)
        {
            var open = (await ProjectAsync(code)).Items.Where(i => i.Open && !except.Contains(i.ItemCode)).ToList();
            if (open.Count == 0) return approved;
            var raised = new List<(string InstanceId, string Key)>();
            foreach (var i in open)
            {
                var key = Key($"approve-{i.ItemCode}");
                var r = await Commands.RecordDecisionAsync(i.DepartmentCode, code, i.ItemCode, DepartmentDecision.Approve(Dept(i.DepartmentCode), key));
                Assert.True(r.Outcome == CommandOutcome.Applied, $"{i.ItemCode}: {r.Outcome} {r.State} {r.Message}");
                raised.Add((r.InstanceId!, key));
                approved.Add(i.ItemCode);
            }
            await WaitForAsync(code, v => Settled(v) && raised.All(x => v.Items.Any(i => i.InstanceId == x.InstanceId && i.Decisions.Any(d => d.IdempotencyKey == x.Key))),
                $"project {code} to show the approvals of {string.Join(", ", open.Select(i => i.ItemCode))}");
        }
        throw new InvalidOperationException("Items keep opening");
    }

    /// <summary>
    /// Waits until instance <paramref name="instanceId"/> has processed <paramref name="count"/> events named
    /// <paramref name="eventName"/> whose payload contains <paramref name="key"/> (they are in its history) and has stored
    /// the state of the episode that processed the last of them.
    /// </summary>
    public async Task WaitForRaisedAsync(string instanceId, string eventName, string key, int count)
    {
        var raised = await WaitForValueAsync(async () => (await Client.GetOrchestrationHistoryAsync(instanceId)).OfType<DurableTask.Core.History.EventRaisedEvent>()
                .Where(e => e.Name == eventName && (e.Input?.Contains(key, StringComparison.Ordinal) ?? false)).ToList(),
            l => l.Count >= count, $"{instanceId} to process {count} {eventName} event(s) with {key}");
        var processedAt = new DateTimeOffset(DateTime.SpecifyKind(raised.Max(e => e.Timestamp), DateTimeKind.Utc));
        await WaitForValueAsync(() => Client.GetInstanceAsync(instanceId), m => m is not null && m.LastUpdatedAt >= processedAt,
            $"{instanceId} to store the episode that processed {eventName} {key}");
    }

    /// <summary>Waits (real time, at the domain speed) until domain time has reached <paramref name="instant"/>.</summary>
    public async Task AdvanceToAsync(DateTimeOffset instant)
    {
        while (true)
        {
            var left = instant - Now;
            if (left <= TimeSpan.Zero) return;
            var real = TimeSpan.FromTicks((long)Math.Ceiling(left.Ticks / Time.Speed)) + TimeSpan.FromMilliseconds(1);
            await Task.Delay(real);
        }
    }

    /// <summary>The project's notifications, one per id (a notification being drained is briefly in both of the outbox's partitions).</summary>
    public async Task<List<OutboxNotification>> NotificationsAsync(string? code) =>
        (await Outbox.ListAsync(code)).DistinctBy(n => n.Id).ToList();

    /// <summary>The lifecycle table <paramref name="tableName"/> of this host (for row counts).</summary>
    public Task<Azure.Data.Tables.TableClient> TableAsync(string tableName) => Services.GetRequiredService<LifecycleTables>().GetAsync(tableName);

    public static DateTimeOffset Bj(string s) => Support.TestData.Bj(s);

    private static string Bj(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Runtime status of the project's instances (for failure messages).</summary>
    private async Task<string> DescribeInstancesAsync(string code)
    {
        try
        {
            var lines = new List<string>();
            foreach (var prefix in new[] { InstanceIds.Project(code), $"{InstanceIds.ItemPrefix}{code}-", $"{InstanceIds.MeetingPrefix}{code}-" })
                await foreach (var m in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }))
                    lines.Add($"{m.InstanceId} {m.RuntimeStatus}{(m.FailureDetails is { } f ? $" ({f.ErrorType}: {f.ErrorMessage})" : "")} updated {m.LastUpdatedAt:HH:mm:ss.fff}");
            return "\nInstances:\n" + string.Join("\n", lines);
        }
        catch (Exception e) { return $"\n(instances not readable: {e.Message})"; }
    }

    private static string Describe(ProjectView? v) => v is null ? "(no project)" :
        $"phase {v.Phase}, stage {v.Stage}, runtime {v.RuntimeStatus}; items: {string.Join(", ", v.Items.Select(i => $"{i.ItemCode}#{i.Round}{(i.Purpose == ItemRoundPurpose.CommitmentVerification ? "v" : "")} {i.State} {i.Light}"))}; "
        + $"escalations: {string.Join(", ", v.Escalations.Select(e => $"{e.Sequence} {string.Join("+", e.ItemCodes)} {e.Level} {e.State}"))}";
}

/// <summary>A minimal file logger for diagnosing a failing scenario (see LIFECYCLE_TEST_LOG).</summary>
internal sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private readonly StreamWriter _writer = new(path, append: true) { AutoFlush = true };

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() { lock (_writer) _writer.Dispose(); }

    private void Write(string line)
    {
        lock (_writer)
        {
            try { _writer.WriteLine(line); } catch (ObjectDisposedException) { }
        }
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Write($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category} [{eventId.Name}] {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
