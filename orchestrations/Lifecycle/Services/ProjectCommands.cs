using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Infrastructure.Credit;

namespace Orchestrator.Orchestrations.Lifecycle.Services;

/// <summary>
/// <see cref="IProjectCommands"/> on the engine client. Every command reads the current state first (project custom
/// status, then the item round's own status) and refuses what does not fit without raising anything (the engine would
/// accept an event for an ended or unknown instance and drop it). Accepted commands are raised with the caller's
/// idempotency key inside the payload: delivery is at least once, and the receiving orchestrator applies a key once.
/// The status check and the raise are not atomic: an instance that ends in between drops the event.
/// </summary>
public sealed class ProjectCommands(DurableTaskClient client, ICreditRegistry credit, ApprovalCatalog catalog, ZoneRegistry zones,
    TimeProvider time) : IProjectCommands
{
    public async Task<FileProjectResult> FileProjectAsync(FileProjectRequest r, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var warnings = new List<string>();
        if (r is null) return FileProjectResult.Invalid("", [new("body", "required")]);
        if (!ProjectCode.TryParse(r.ProjectCode, out _, out var codeError)) errors.Add(new("projectCode", codeError!));
        var strict = UnifiedSocialCreditCode.Validate(r.Uscc);
        if (!strict.IsValid)
        {
            // A wrong check character is an error for a new enterprise, a warning for a record the registry already holds (legacy import).
            var legacy = UnifiedSocialCreditCode.Validate(r.Uscc, UsccValidationMode.LegacyRecord);
            if (legacy.IsValid && await credit.FindAsync(r.Uscc, ct) is not null) warnings.AddRange(legacy.Warnings.Select(w => w.Message));
            else errors.Add(new("uscc", strict.ErrorMessage));
        }
        if (string.IsNullOrWhiteSpace(r.ProjectName)) errors.Add(new("projectName", "required"));
        if (string.IsNullOrWhiteSpace(r.EnterpriseName)) errors.Add(new("enterpriseName", "required"));
        if (r.TotalInvestmentWan < 0) errors.Add(new("totalInvestmentWan", "must not be negative"));
        if (!Enum.IsDefined(r.InvestmentNature)) errors.Add(new("investmentNature", "unknown value"));
        if (r.ZoneCode is { Length: > 0 } zone && !zones.TryGet(zone, out _))
            errors.Add(new("zoneCode", $"unknown zone '{zone}'; known: {string.Join(", ", zones.Zones.Select(z => z.Code))}"));
        foreach (var (code, i) in (r.ChosenCommitments ?? []).Select((c, i) => (c, i)))
            if (!catalog.TryGetItem(code, out _)) errors.Add(new($"chosenCommitments[{i}]", $"'{code}' is not an item of catalog {catalog.Version}"));
        foreach (var (t, i) in (r.Tolerance ?? []).Select((t, i) => (t, i)))
        {
            if (!catalog.TryGetItem(t.ItemCode, out _)) errors.Add(new($"tolerance[{i}].itemCode", $"'{t.ItemCode}' is not an item of catalog {catalog.Version}"));
            if (t.MissingMaterials is not { Count: > 0 }) errors.Add(new($"tolerance[{i}].missingMaterials", "name at least one missing material"));
        }
        if (r.Actor is null || string.IsNullOrWhiteSpace(r.Actor.Name)) errors.Add(new("actor", "required"));
        if (errors.Count > 0) return FileProjectResult.Invalid(r.ProjectCode ?? "", errors);

        var id = InstanceIds.Project(r.ProjectCode);
        if (await client.GetInstanceAsync(id, cancellation: ct) is not null)
            return new FileProjectResult(FileProjectOutcome.Existing, r.ProjectCode, id, [], warnings);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(LifecycleOrchestrators.Project,
                new ProjectInput(r, time.GetUtcNow(), DomainTimeProvider.ClockOf(time)),
                new StartOrchestrationOptions(id)
                {
                    Tags = new Dictionary<string, string> { ["projectCode"] = r.ProjectCode, ["uscc"] = r.Uscc },
                }, ct);
            return new FileProjectResult(FileProjectOutcome.Created, r.ProjectCode, id, [], warnings);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return new FileProjectResult(FileProjectOutcome.Existing, r.ProjectCode, id, [], warnings); // a concurrent filing won
        }
    }

    public async Task<CommandResult> RecordDecisionAsync(string departmentCode, string projectCode, string itemCode, DepartmentDecision decision, CancellationToken ct = default)
    {
        if (decision is null) return Invalid("body", "required");
        var shape = decision.Validate();
        if (shape.Count > 0) return new CommandResult(CommandOutcome.Invalid, null, null, string.Join("; ", shape), shape.Select(ToField).ToList());
        var (item, notFound) = await FindItemAsync(projectCode, itemCode, open: s => ItemStates.IsOpen(s.State), ct);
        if (item is null) return notFound!;
        if (!string.Equals(item.Item.DepartmentCode, departmentCode, StringComparison.OrdinalIgnoreCase))
            return new CommandResult(CommandOutcome.NotYourDepartment, null, null, $"{itemCode} is handled by {item.Item.DepartmentCode}, not {departmentCode}.");
        if (item.Decisions.Any(d => d.IdempotencyKey == decision.IdempotencyKey))
            return new CommandResult(CommandOutcome.Duplicate, item.InstanceId, item.State, "This idempotency key was already applied.");
        if (!ItemStates.IsOpen(item.State))
            return new CommandResult(CommandOutcome.NotOpen, item.InstanceId, item.State, $"{itemCode} is {item.State}: it does not accept decisions.");
        if (DecisionRules.Check(item, decision) is { } rule)
            return new CommandResult(CommandOutcome.Invalid, item.InstanceId, item.State, rule);
        var d = decision with { Actor = decision.Actor with { DepartmentCode = departmentCode } };
        return await RaiseAsync(item.InstanceId, LifecycleEvents.Decision, d, item.State, $"{decision.Kind} recorded for {itemCode}.", ct);
    }

    public async Task<CommandResult> SubmitMaterialsAsync(string projectCode, string itemCode, MaterialsSupplied materials, CancellationToken ct = default)
    {
        if (materials is null) return Invalid("body", "required");
        if (materials.Materials is not { Count: > 0 }) return Invalid("materials", "name at least one material");
        if (string.IsNullOrWhiteSpace(materials.IdempotencyKey)) return Invalid("idempotencyKey", "required");
        static bool Awaits(ItemStatus s) => s.State is ItemState.CorrectionRequested or ItemState.Rectifying || s.MaterialsClock is { IsStopped: false };
        var (item, notFound) = await FindItemAsync(projectCode, itemCode, Awaits, ct);
        if (item is null) return notFound!;
        if (item.Decisions.Any(d => d.IdempotencyKey == materials.IdempotencyKey))
            return new CommandResult(CommandOutcome.Duplicate, item.InstanceId, item.State, "This idempotency key was already applied.");
        if (!Awaits(item))
            return new CommandResult(CommandOutcome.NotOpen, item.InstanceId, item.State, $"{itemCode} is {item.State} and awaits no materials.");
        return await RaiseAsync(item.InstanceId, LifecycleEvents.MaterialsSupplied, materials, item.State, $"Materials recorded for {itemCode}.", ct);
    }

    public async Task<CommandResult> ReportLandRightsAsync(string projectCode, LandRightsObtained landRights, CancellationToken ct = default)
    {
        if (landRights is null) return Invalid("body", "required");
        if (string.IsNullOrWhiteSpace(landRights.ContractNumber)) return Invalid("contractNumber", "required");
        if (string.IsNullOrWhiteSpace(landRights.IdempotencyKey)) return Invalid("idempotencyKey", "required");
        var (project, error) = await RunningProjectAsync(projectCode, ct);
        if (project is null) return error!;
        if (project.LandRightsHeld) return new CommandResult(CommandOutcome.NotOpen, InstanceIds.Project(projectCode), null, "Land rights are already recorded for this project.");
        return await RaiseAsync(InstanceIds.Project(projectCode), LifecycleEvents.LandRightsObtained, landRights, null, "Land rights recorded: conversion of simulated opinions starts.", ct);
    }

    public async Task<CommandResult> ReportMaterialChangeAsync(string projectCode, MaterialChange change, CancellationToken ct = default)
    {
        if (change is null) return Invalid("body", "required");
        if (!Enum.IsDefined(change.Reason)) return Invalid("reason", $"must be one of the re-approval reasons: {string.Join(", ", Enum.GetNames<ReapprovalReason>())}");
        if (change.AffectedItems is not { Count: > 0 }) return Invalid("affectedItems", "name at least one item");
        if (string.IsNullOrWhiteSpace(change.IdempotencyKey)) return Invalid("idempotencyKey", "required");
        var (project, error) = await RunningProjectAsync(projectCode, ct);
        if (project is null) return error!;
        var unknown = change.AffectedItems.Where(c => project.Rounds.All(i => i.ItemCode != c)).ToList();
        if (unknown.Count > 0) return Invalid("affectedItems", $"not items of this project: {string.Join(", ", unknown)}");
        return await RaiseAsync(InstanceIds.Project(projectCode), LifecycleEvents.MaterialChange, change, null,
            $"Material change recorded: {string.Join(", ", change.AffectedItems)} go back through approval.", ct);
    }

    public async Task<CommandResult> ReportConstructionFinishedAsync(string projectCode, ConstructionFinished finished, CancellationToken ct = default)
    {
        if (finished is null) return Invalid("body", "required");
        if (string.IsNullOrWhiteSpace(finished.IdempotencyKey)) return Invalid("idempotencyKey", "required");
        var (project, error) = await RunningProjectAsync(projectCode, ct);
        if (project is null) return error!;
        if (project.Phase != ProjectPhase.UnderConstruction)
            return new CommandResult(CommandOutcome.NotOpen, InstanceIds.Project(projectCode), null,
                project.Phase == ProjectPhase.JointAcceptance ? "Construction finished is already recorded: joint acceptance runs."
                    : $"The project is {project.Phase}: construction is not permitted yet.");
        return await RaiseAsync(InstanceIds.Project(projectCode), LifecycleEvents.ConstructionFinished, finished, null, "Construction finished: joint acceptance starts.", ct);
    }

    public async Task<CommandResult> RecordJointMeetingResolutionAsync(string projectCode, int sequence, JointMeetingResolution resolution, CancellationToken ct = default)
    {
        if (resolution is null) return Invalid("body", "required");
        if (string.IsNullOrWhiteSpace(resolution.Resolution)) return Invalid("resolution", "required");
        if (string.IsNullOrWhiteSpace(resolution.IdempotencyKey)) return Invalid("idempotencyKey", "required");
        if (!InstanceIds.IsSafe(projectCode) || sequence < 1) return CommandResult.NotFound("No such joint meeting.");
        var id = InstanceIds.JointMeeting(projectCode, sequence);
        var m = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellation: ct);
        if (m is null) return CommandResult.NotFound($"No joint meeting {sequence} for project {projectCode}.");
        if (!m.IsRunning)
            return new CommandResult(CommandOutcome.NotOpen, id, null, (m.ReadCustomStatusAs<JointMeetingStatus>() ?? m.ReadOutputAs<JointMeetingStatus>()) is { State: EscalationState.Moot } s
                ? $"The joint meeting is moot (no longer needed): {s.MootReason}"
                : "The joint meeting is already resolved.");
        return await RaiseAsync(id, LifecycleEvents.JointMeetingResolution, resolution, null, "Resolution recorded.", ct);
    }

    // ---- helpers ----

    private async Task<(ProjectCustomStatus? Status, CommandResult? Error)> RunningProjectAsync(string projectCode, CancellationToken ct)
    {
        if (!InstanceIds.IsSafe(projectCode)) return (null, CommandResult.NotFound($"Project {projectCode} is not filed."));
        var m = await client.GetInstanceAsync(InstanceIds.Project(projectCode), cancellation: ct);
        if (m is null) return (null, CommandResult.NotFound($"Project {projectCode} is not filed."));
        var status = m.ReadCustomStatusAs<ProjectCustomStatus>();
        if (!m.IsRunning || status is null || status.Phase is ProjectPhase.Completed or ProjectPhase.Closed)
            return (null, new CommandResult(CommandOutcome.NotOpen, m.InstanceId, null, $"Project {projectCode} is {(status?.Phase.ToString() ?? m.RuntimeStatus.ToString())}."));
        return (status, null);
    }

    /// <summary>The item's current round: the one matching <paramref name="open"/> if any, else the latest; read from the round itself.</summary>
    private async Task<(ItemStatus? Item, CommandResult? NotFound)> FindItemAsync(string projectCode, string itemCode, Func<ItemStatus, bool> open, CancellationToken ct)
    {
        if (!InstanceIds.IsSafe(projectCode) || !InstanceIds.IsSafe(itemCode)) return (null, CommandResult.NotFound("No such project or item."));
        var m = await client.GetInstanceAsync(InstanceIds.Project(projectCode), cancellation: ct);
        // The project's custom status names the rounds (the small ProjectCustomStatus); each round's own status is the truth.
        var project = m?.ReadCustomStatusAs<ProjectCustomStatus>();
        if (project is null) return (null, CommandResult.NotFound($"Project {projectCode} is not filed."));
        var rounds = project.Rounds.Where(i => i.ItemCode == itemCode).OrderByDescending(r => r.Round).ToList();
        if (rounds.Count == 0) return (null, CommandResult.NotFound($"{itemCode} is not an item of project {projectCode} (or has not started)."));
        ItemStatus? latest = null;
        foreach (var r in rounds)
        {
            var round = await client.GetInstanceAsync(r.InstanceId, getInputsAndOutputs: true, cancellation: ct);
            var current = round?.ReadCustomStatusAs<ItemStatus>() ?? round?.ReadOutputAs<ItemStatus>();
            if (current is null) continue; // scheduled, not started yet
            if (round is not null && !round.IsRunning && ItemStates.IsOpen(current.State))
                current = current with { State = ItemState.Superseded }; // ended without a final state (terminated)
            if (open(current)) return (current, null);
            latest ??= current;
        }
        if (latest is not null) return (latest, null);
        var pending = rounds[0]; // the round is scheduled and has not reported yet
        return (null, new CommandResult(CommandOutcome.NotOpen, pending.InstanceId, pending.State, $"{itemCode} is {pending.State}: it does not accept this yet."));
    }

    private async Task<CommandResult> RaiseAsync(string instanceId, string eventName, object payload, ItemState? state, string message, CancellationToken ct)
    {
        // The idempotency key travels in the payload (the orchestrator ignores a key it applied). DTFx accepts an event for an
        // ended instance and drops it, so the instance must run (an item round may have ended with a state that still looks open
        // to a command, e.g. approved with its tolerance materials overdue). The check and the raise are not atomic.
        var m = await client.GetInstanceAsync(instanceId, cancellation: ct);
        if (m is null) return CommandResult.NotFound("The instance does not exist.");
        if (!m.IsRunning) return new CommandResult(CommandOutcome.NotOpen, instanceId, state, "The instance has ended.");
        await client.RaiseEventAsync(instanceId, eventName, payload, ct);
        return new CommandResult(CommandOutcome.Applied, instanceId, state, message);
    }

    private static CommandResult Invalid(string field, string message) =>
        new(CommandOutcome.Invalid, null, null, $"{field}: {message}", [new FieldError(field, message)]);

    private static FieldError ToField(string error)
    {
        var i = error.IndexOf(':');
        return i > 0 ? new FieldError(error[..i], error[(i + 1)..].Trim()) : new FieldError("body", error);
    }
}
