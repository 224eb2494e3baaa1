using Microsoft.DurableTask;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle.Orchestrators;

/// <summary>
/// The lifecycle of one project (项目全生命周期), instance <c>project-{projectCode}</c>: filing (identifiers, credit,
/// approval map, 秒批 filing record, commitments published, parties notified), the approval stages in order with
/// their items in parallel (并联审批) as sub-orchestrations, simulated approval and conversion, escalation of overdue
/// items to joint meetings, joint and credit acceptance after construction, completion with the full timeline.
/// </summary>
/// <remarks>
/// One event loop waits on every item round, every joint meeting and every project event at once. The custom status
/// (<see cref="ProjectStatus"/>) is the project's read model: item entries are the rounds' own status, replaced by the
/// newest <see cref="ItemProgress"/> (by sequence) or the round's output. Deterministic: domain time only from the input's
/// <see cref="Clocks.DomainClock"/>, rules only from the <see cref="LifecycleActivities.LoadLifecycleRules"/> activity.
/// Events arrive at least once: an event whose id (idempotency key, or an item's round/sequence/signal) was applied is ignored.
/// <list type="bullet">
/// <item>A stage starts when every item of the previous stages is done (a simulated opinion counts as done); an item starts when its prerequisites in the plan are done.</item>
/// <item>The construction permit item never starts while any opinion is still simulated (or a re-approval runs).</item>
/// <item>Without land rights and without the simulated-approval entry conditions, simulated items wait for land rights and then run normally.</item>
/// <item>Joint acceptance starts after ConstructionFinished once every approval item is formally done; the acceptance items share one deadline;
/// every commitment is verified by its department in the same window (信用验收).</item>
/// <item>A rejected approval item or a failed acceptance closes the project.</item>
/// <item>An open joint meeting is told it is moot (<see cref="LifecycleEvents.JointMeetingMoot"/>) when its item's round stops being
/// open (decided, superseded, expired), is ordered to rectify, or is replaced by a new round; the meeting reports back and the
/// escalation shows Moot. When the project ends, every escalation still open is recorded Moot with the reason and its meeting told.</item>
/// </list>
/// </remarks>
public sealed class ProjectLifecycleOrchestrator : TaskOrchestrator<ProjectInput, ProjectStatus>
{
    public override Task<ProjectStatus> RunAsync(TaskOrchestrationContext context, ProjectInput input) =>
        new ProjectRun(context, input).RunAsync();

    private sealed class Slot(PlannedItem item, bool verification)
    {
        public PlannedItem Item { get; } = item;
        public bool Verification { get; } = verification;
        public string Key => Verification ? Item.Code + "#verify" : Item.Code;
        public int Round { get; set; }
        public string? InstanceId { get; set; }
        public Task<ItemStatus>? Task { get; set; }
        public ItemStatus? Status { get; set; }
        public int? OpenEscalation { get; set; }
        public bool Started => InstanceId is not null;
        public ItemState? State => Status?.State;
        public bool Done => Status is { } s && ItemStates.SatisfiesPrerequisite(s.State);
        public bool FormallyDone => Status?.State is ItemState.Approved or ItemState.Committed or ItemState.Waived;
        public bool Open => Status is { } s && ItemStates.IsOpen(s.State);
    }

    private sealed class ProjectRun(TaskOrchestrationContext ctx, ProjectInput input)
    {
        private LifecycleRules o = null!;
        private ItemClockCalculator calc = null!;
        private readonly HashSet<string> _applied = [];
        private ProjectStatus _p = null!;
        private ApprovalPlan _plan = null!;
        private readonly List<Slot> _slots = [];
        private readonly Dictionary<string, Task> _waits = new();
        private readonly Dictionary<int, Task<JointMeetingStatus>> _meetings = new();
        private readonly HashSet<int> _stagesStarted = [];
        private readonly Dictionary<int, string> _mootRequested = new();
        private bool _simulatedAllowed;
        private ConstructionFinished? _constructionFinished;
        private DateTimeOffset? _sharedDue;
        private bool _constructionPermitted;
        private FileProjectRequest Req => input.Request;
        private string Code => Req.ProjectCode;
        private DateTimeOffset Now => input.Clock.ToDomain(ctx.CurrentUtcDateTime);

        public async Task<ProjectStatus> RunAsync()
        {
            var now = Now;
            _p = new ProjectStatus(Code, Req.ProjectName,
                new EnterpriseInfo(Req.Uscc, Req.EnterpriseName, null, null, false, false, []),
                ProjectPhase.Filing, 0, input.FiledAt, Req.LandRightsHeld, false, "", [], [], [], [], [], now, null, null);
            Timeline("filing-received", $"Filing received for {Req.ProjectName} ({Code}) from {Req.EnterpriseName}", actor: Req.Actor);
            ctx.SetCustomStatus(CustomStatus());

            // 1. Identifiers (pure domain checks; the command side checked already, this guards direct starts).
            var errors = new List<string>();
            if (!ProjectCode.TryParse(Req.ProjectCode, out _, out var codeError)) errors.Add(codeError!);
            var uscc = UnifiedSocialCreditCode.Validate(Req.Uscc, UsccValidationMode.LegacyRecord);
            if (!uscc.IsValid) errors.Add(uscc.ErrorMessage);
            if (errors.Count > 0) return await CloseAsync("Invalid filing: " + string.Join("; ", errors));

            // The rules (calendar, limits) this project decides on, recorded in its history and handed to every child.
            o = await ctx.CallActivityAsync<LifecycleRules>(LifecycleActivities.LoadLifecycleRules, Code, Retry);
            calc = o.CreateCalculator();

            // 2. Credit (信用), through the registry.
            EnterpriseCredit credit;
            try { credit = await ctx.CallActivityAsync<EnterpriseCredit>(LifecycleActivities.FetchCredit, Req.Uscc, Retry); }
            catch (TaskFailedException ex) { return await CloseAsync($"Credit could not be fetched: {ex.FailureDetails?.ErrorMessage ?? ex.Message}"); }
            _p = _p with
            {
                Enterprise = new EnterpriseInfo(Req.Uscc, Req.EnterpriseName, credit.Grade, credit.Score, credit.HasDishonestyRecord, credit.HasPriorFalseCommitment,
                    uscc.Warnings.Select(w => w.Message).ToList()),
            };

            // 3. The approval map (一张图).
            try { _plan = await ctx.CallActivityAsync<ApprovalPlan>(LifecycleActivities.BuildApprovalPlan, new BuildPlanInput(Req, credit, input.FiledAt)); }
            catch (TaskFailedException ex) { return await CloseAsync($"The approval map could not be made: {ex.FailureDetails?.ErrorMessage ?? ex.Message}"); }
            _simulatedAllowed = !Req.LandRightsHeld && (Req.SimulatedApproval?.IsMet ?? false) && _plan.Items.Any(i => i.Mode == HandlingMode.Simulated);
            _p = _p with { CatalogVersion = _plan.CatalogVersion, SimulatedApproval = _simulatedAllowed };
            foreach (var item in _plan.Items) _slots.Add(new Slot(item, false));
            Timeline("plan", $"Approval map made (catalog {_plan.CatalogVersion}): {_plan.Items.Count()} items in {_plan.Stages.Count} stages, "
                             + $"{_plan.WorkingDays} working days planned ({_plan.Comparison.SavedWorkingDays} fewer than the traditional procedure)");
            if (!Req.LandRightsHeld && !_simulatedAllowed && _plan.Items.Any(i => i.Mode == HandlingMode.Simulated))
                Timeline("simulated-not-allowed", "The entry conditions of simulated approval are not met: items that need land rights wait for them.");

            // 4. Filing recorded at once (秒批) with the credit filing certificate; commitments published (公示).
            await ctx.CallActivityAsync(LifecycleActivities.RecordFiling,
                new RecordFilingInput(Code, Req.ProjectName, Req.Uscc, Req.EnterpriseName, input.FiledAt, _plan.CatalogVersion), Retry);
            Timeline("filed", "Filing recorded (秒批) and the credit filing certificate issued");
            var commitments = _plan.Items.Where(i => i.Mode == HandlingMode.Commitment)
                .Select(i => new CommitmentRecord(i.Code, i.DepartmentCode, i.Reason, Now, CommitmentState.Published, null, null)).ToList();
            if (commitments.Count > 0)
            {
                await ctx.CallActivityAsync(LifecycleActivities.PublishCommitments, new PublishCommitmentsInput(Code, Req.Uscc, commitments), Retry);
                _p = _p with { Commitments = commitments };
                Timeline("commitments-published", $"Commitments published (告知承诺公示): {string.Join(", ", commitments.Select(c => c.ItemCode))}");
            }
            var filed = new List<NotificationRequest> { Note($"enterprise:{Req.Uscc}", "filed", $"{Req.ProjectName} is filed; its approval map has {_plan.Items.Count()} items.") };
            foreach (var dept in _plan.Items.Where(i => i.Mode != HandlingMode.WaivedByRegionalAssessment).Select(i => i.DepartmentCode).Distinct())
                filed.Add(Note($"department:{dept}", "filed", $"Project {Code} is filed; your items: {string.Join(", ", _plan.Items.Where(i => i.DepartmentCode == dept).Select(i => i.Code))}"));
            await ctx.CallActivityAsync(LifecycleActivities.Notify, filed, Retry);
            _p = _p with { Phase = ProjectPhase.InApproval };

            // 5. The event loop.
            while (true)
            {
                StartReady();
                if (await CheckEndAsync() is { } end) return end;
                await PublishAsync();

                var tasks = new List<Task>();
                tasks.AddRange(_slots.Where(s => s.Task is not null).Select(s => (Task)s.Task!));
                tasks.AddRange(_meetings.Values);
                var progress = Wait<ItemProgress>(LifecycleEvents.ItemProgress);
                var land = Wait<LandRightsObtained>(LifecycleEvents.LandRightsObtained);
                var change = Wait<MaterialChange>(LifecycleEvents.MaterialChange);
                var finished = Wait<ConstructionFinished>(LifecycleEvents.ConstructionFinished);
                var sweep = Wait<EscalateOverdue>(LifecycleEvents.EscalateOverdue);
                var meeting = Wait<JointMeetingStatus>(LifecycleEvents.EscalationProgress);
                var republish = Wait<string>(LifecycleEvents.RepublishReadModel);
                tasks.AddRange([progress, land, change, finished, sweep, meeting, republish]);

                var winner = await Task.WhenAny(tasks);
                if (winner == progress) { _waits.Remove(LifecycleEvents.ItemProgress); if (FirstTime(progress.Result.EventId)) await OnProgressAsync(progress.Result); }
                else if (winner == land) { _waits.Remove(LifecycleEvents.LandRightsObtained); if (FirstTime(LifecycleEvents.LandRightsObtained, land.Result.IdempotencyKey)) await OnLandRightsAsync(land.Result); }
                else if (winner == change) { _waits.Remove(LifecycleEvents.MaterialChange); if (FirstTime(LifecycleEvents.MaterialChange, change.Result.IdempotencyKey)) OnMaterialChange(change.Result); }
                else if (winner == finished) { _waits.Remove(LifecycleEvents.ConstructionFinished); if (FirstTime(LifecycleEvents.ConstructionFinished, finished.Result.IdempotencyKey)) OnConstructionFinished(finished.Result); }
                else if (winner == sweep) { _waits.Remove(LifecycleEvents.EscalateOverdue); if (FirstTime(LifecycleEvents.EscalateOverdue, sweep.Result.IdempotencyKey)) OnSweepEscalation(sweep.Result); }
                else if (winner == meeting) { _waits.Remove(LifecycleEvents.EscalationProgress); OnMeetingProgress(meeting.Result); }
                else if (winner == republish) { _waits.Remove(LifecycleEvents.RepublishReadModel); ForgetPublished(); }
                else if (_slots.FirstOrDefault(s => s.Task == winner) is { } slot) await OnRoundEndedAsync(slot);
                else if (_meetings.FirstOrDefault(m => m.Value == winner) is { Value: not null } m) await OnMeetingEndedAsync(m.Key, m.Value);
            }
        }

        // ---- scheduling ----

        private IEnumerable<Slot> ApprovalSlots => _slots.Where(s => !s.Verification && !s.Item.JointAcceptance);
        private IEnumerable<Slot> AcceptanceSlots => _slots.Where(s => !s.Verification && s.Item.JointAcceptance);

        private bool SimulatedOutstanding => ApprovalSlots.Any(s => s.Item.Code != o.ConstructionPermitItem
            && (s.State is ItemState.SimulatedOpinion or ItemState.Converting or ItemState.Expired || (s.Started && !s.FormallyDone && s.Item.Mode == HandlingMode.Simulated)));

        private void StartReady()
        {
            foreach (var stage in _plan.Stages.OrderBy(s => s.Number))
            {
                var slots = ApprovalSlots.Where(s => s.Item.Stage == stage.Number).ToList();
                if (slots.Count == 0) continue;
                foreach (var slot in slots.Where(s => !s.Started))
                {
                    if (!PrerequisitesDone(slot)) continue;
                    if (slot.Item.Code == o.ConstructionPermitItem && (SimulatedOutstanding || ApprovalSlots.Any(s => s != slot && !s.FormallyDone)))
                        continue; // never a construction permit on simulated opinions
                    if (slot.Item.Mode == HandlingMode.Simulated && !_p.LandRightsHeld && !_simulatedAllowed) continue;
                    StartRound(slot, ItemRoundPurpose.Approval, Effective(slot.Item));
                }
                if (slots.Any(s => !s.Done)) return; // stages in order
            }

            // Construction permitted once every approval item is formally done.
            if (!_constructionPermitted && ApprovalSlots.All(s => s.FormallyDone))
            {
                _constructionPermitted = true;
                Timeline("construction-permitted", "Every approval item is formally granted: construction may start (施工许可).");
                _pendingNotes.Add(Note($"enterprise:{Req.Uscc}", "construction-permitted", $"{Req.ProjectName} ({Code}): every approval is granted; construction may start."));
            }
            if (!_constructionPermitted || _constructionFinished is null) return;
            if (!ApprovalSlots.All(s => s.FormallyDone)) return; // a re-approval runs

            if (_sharedDue is null)
            {
                // 联合验收: one deadline for every acceptance item, under the lead department.
                _sharedDue = calc.Calendar.AddWorkingDays(Now, o.JointAcceptanceLimitDays).Value;
                Timeline("joint-acceptance-started", $"Joint acceptance (联合验收) led by {o.JointAcceptanceLeadDepartment}, one deadline {Day(_sharedDue.Value)}; "
                                                     + $"credit acceptance (信用验收) of {_p.Commitments.Count} commitment(s)");
                _pendingNotes.Add(Note($"department:{o.JointAcceptanceLeadDepartment}", "joint-acceptance-lead",
                    $"Lead the joint acceptance of {Code}: every acceptance item is due {Day(_sharedDue.Value)}."));
                foreach (var dept in AcceptanceSlots.Select(s => s.Item.DepartmentCode).Concat(_p.Commitments.Select(c => c.DepartmentCode)).Distinct())
                    _pendingNotes.Add(Note($"department:{dept}", "joint-acceptance", $"Joint acceptance of {Code} under {o.JointAcceptanceLeadDepartment}: due {Day(_sharedDue.Value)}."));
                foreach (var c in _p.Commitments)
                {
                    var source = _slots.First(s => !s.Verification && s.Item.Code == c.ItemCode);
                    var v = new Slot(source.Item, true) { Round = source.Round };
                    _slots.Add(v);
                    StartRound(v, ItemRoundPurpose.CommitmentVerification, source.Item);
                }
            }
            foreach (var slot in AcceptanceSlots.Where(s => !s.Started))
                if (PrerequisitesDone(slot)) StartRound(slot, ItemRoundPurpose.Acceptance, slot.Item);
        }

        private bool PrerequisitesDone(Slot slot) => slot.Item.Prerequisites
            .Select(p => _slots.FirstOrDefault(s => !s.Verification && s.Item.Code == p))
            .All(p => p is null || p.Done);

        /// <summary>A simulated item whose review starts after land rights are held is reviewed for a formal approval.</summary>
        private PlannedItem Effective(PlannedItem item) =>
            item.Mode == HandlingMode.Simulated && _p.LandRightsHeld
                ? item with { Mode = item.ToleranceAccepted ? HandlingMode.Tolerance : HandlingMode.Normal, Reason = item.Reason + " Land rights were obtained before its review: reviewed for a formal approval." }
                : item;

        private void StartRound(Slot slot, ItemRoundPurpose purpose, PlannedItem item)
        {
            if (slot.OpenEscalation is { } open)
                RequestMoot(open, $"{slot.Item.Code} round {slot.Round} was superseded by round {slot.Round + 1} ({purpose})");
            slot.Round++;
            var id = slot.Verification ? InstanceIds.Verification(Code, item.Code) : InstanceIds.Item(Code, item.Code, slot.Round);
            slot.InstanceId = id;
            slot.OpenEscalation = null;
            var missing = Req.Tolerance?.FirstOrDefault(t => t.ItemCode == item.Code)?.MissingMaterials;
            var shared = purpose is ItemRoundPurpose.Acceptance or ItemRoundPurpose.CommitmentVerification ? _sharedDue : null;
            slot.Task = ctx.CallSubOrchestratorAsync<ItemStatus>(LifecycleOrchestrators.Item,
                new ItemInput(Code, Req.Uscc, item, slot.Round, purpose, o, input.Clock, ctx.InstanceId, shared,
                    purpose is ItemRoundPurpose.Approval or ItemRoundPurpose.Reapproval ? missing : null),
                Child(id));
            // Until the round reports, show it as pending under its new id.
            slot.Status = new ItemStatus(id, 0, Code, item, slot.Round, purpose, ItemState.Pending, null, null, null, missing ?? [], null, null, shared, null, null, null, 0, false, 0, [], [], Now);
            if (_stagesStarted.Add(item.Stage) && purpose == ItemRoundPurpose.Approval)
                Timeline("stage-started", $"Stage {item.Stage} started");
        }

        // ---- events ----

        private async Task OnProgressAsync(ItemProgress p)
        {
            var slot = _slots.FirstOrDefault(s => s.InstanceId == p.Status.InstanceId);
            if (slot is null) return; // an earlier round
            var before = slot.Status;
            if (before is not null && p.Status.Sequence <= before.Sequence && p.Signal == ItemSignal.Changed) return; // stale
            if (before is null || p.Status.Sequence > before.Sequence) Apply(slot, p.Status);
            switch (p.Signal)
            {
                case ItemSignal.Warning:
                    await ctx.CallActivityAsync(LifecycleActivities.Notify, new[]
                    {
                        Note($"department:{slot.Item.DepartmentCode}", "sla-warning",
                            $"{slot.Item.Code} {slot.Item.NameZh} of {Code} is near its deadline (黄灯): {Due(p.Status)}"),
                    }, Retry);
                    break;
                case ItemSignal.Overdue:
                    Escalate(slot, p.Cause ?? EscalationCause.DecisionOverdue);
                    break;
                case ItemSignal.MaterialsOverdue:
                    await CreditEventAsync(slot.Item.Code, CreditEvent.ToleranceMaterialsNotSupplied,
                        $"容缺材料 not supplied by the deadline: {string.Join(", ", p.Status.MissingMaterials)}");
                    break;
            }
        }

        private void Apply(Slot slot, ItemStatus status)
        {
            var before = slot.Status;
            slot.Status = status;
            if (slot.OpenEscalation is { } seq && (!ItemStates.IsOpen(status.State) || status.State == ItemState.Rectifying && before?.State != ItemState.Rectifying))
            {
                var late = status.WorkingDaysLate > 0 ? $", {status.WorkingDaysLate} working day(s) late" : "";
                RequestMoot(seq, $"{status.Item.Code} {MootWord(status.State)} on {Day(Now)}{late}");
            }
            if (before?.State != status.State)
            {
                var late = status.WorkingDaysLate > 0 ? $", {status.WorkingDaysLate} working day(s) late" : "";
                var text = status.State switch
                {
                    ItemState.UnderReview when before?.State is ItemState.Pending or null => $"{status.Item.Code} accepted (受理), due {Due(status)}",
                    ItemState.Approved when status.Purpose == ItemRoundPurpose.CommitmentVerification => $"{status.Item.Code} commitment verified as kept",
                    ItemState.Rejected when status.Purpose == ItemRoundPurpose.CommitmentVerification => $"{status.Item.Code} commitment found broken",
                    ItemState.Approved => $"{status.Item.Code} approved{(before?.State == ItemState.Converting ? " (formal, converted)" : "")}{late}",
                    ItemState.Rejected => $"{status.Item.Code} rejected{late}",
                    ItemState.SimulatedOpinion => $"{status.Item.Code} simulated opinion issued, valid until {Day(status.SimulatedValidUntil!.Value)}{late}",
                    ItemState.Converting => $"{status.Item.Code} conversion started, formal approval due {Due(status)}",
                    ItemState.Committed => $"{status.Item.Code} granted by commitment (承诺即办结)",
                    ItemState.Waived => $"{status.Item.Code} waived by regional assessment",
                    ItemState.Expired => $"{status.Item.Code} simulated opinion expired",
                    ItemState.Rectifying => $"{status.Item.Code} rectification ordered, by {Day(status.RectifyBy!.Value)}",
                    ItemState.Superseded => $"{status.Item.Code} round {status.Round} superseded",
                    _ => null,
                };
                if (text is not null) Timeline("item-" + status.State.ToString().ToLowerInvariant(), text, status.Item.Code);
            }
            if (before is { MaterialsSuppliedAt: null } && status.MaterialsSuppliedAt is not null && status.MaterialsClock is { } mc && calc.StoppedOnTime(mc))
                _pendingCredit.Add((status.Item.Code, CreditEvent.ToleranceMaterialsSupplied, "容缺材料 supplied on time"));
        }

        private readonly List<(string Item, CreditEvent Event, string Note)> _pendingCredit = [];
        private readonly List<NotificationRequest> _pendingNotes = [];

        private async Task OnRoundEndedAsync(Slot slot)
        {
            var task = slot.Task!;
            slot.Task = null;
            ItemStatus result;
            try { result = task.Result; }
            catch (Exception ex)
            {
                Timeline("item-failed", $"{slot.Item.Code} round {slot.Round} failed: {(ex as TaskFailedException)?.FailureDetails?.ErrorMessage ?? ex.Message}", slot.Item.Code);
                return;
            }
            if (result.InstanceId != slot.InstanceId) return;
            if (slot.Status is null || result.Sequence >= slot.Status.Sequence) Apply(slot, result);
            await FlushPendingAsync();

            if (slot.Verification)
            {
                var kept = result.State == ItemState.Approved;
                var note = result.Decisions.LastOrDefault(d => d.Kind is DecisionKind.Approve or DecisionKind.Reject);
                _p = _p with
                {
                    Commitments = _p.Commitments.Select(c => c.ItemCode == slot.Item.Code
                        ? c with { State = kept ? CommitmentState.Kept : CommitmentState.Broken, VerifiedAt = Now, Note = note is null ? null : string.Join("; ", note.Reasons.Append(note.Detail ?? "").Where(x => x.Length > 0)) }
                        : c).ToList(),
                };
                await CreditEventAsync(slot.Item.Code, kept ? CreditEvent.CommitmentKept : CreditEvent.CommitmentBroken,
                    kept ? "Commitment verified as kept at credit acceptance (信用验收)" : "Commitment found broken at credit acceptance (信用验收): " + (note is null ? "" : string.Join("; ", note.Reasons)));
            }
            else if (result.State == ItemState.Expired && _p.LandRightsHeld)
                StartRound(slot, ItemRoundPurpose.Reapproval, Effective(slot.Item));
        }

        private async Task OnLandRightsAsync(LandRightsObtained l)
        {
            if (_p.LandRightsHeld)
            {
                Timeline("land-rights-ignored", "Land rights were already recorded; the report is ignored", actor: l.Actor);
                return;
            }
            _p = _p with { LandRightsHeld = true };
            Timeline("land-rights", $"Land rights obtained: contract {l.ContractNumber} signed {l.ContractDate:yyyy-MM-dd}; every simulated opinion must become formal within {o.ConversionDays} working days (文件转换)", actor: l.Actor);
            var notes = new List<NotificationRequest>();
            foreach (var slot in ApprovalSlots.Where(s => s.Item.Mode == HandlingMode.Simulated && s.Started))
            {
                if (slot.Task is not null)
                {
                    ctx.SendEvent(slot.InstanceId!, LifecycleEvents.StartConversion, l);
                    if (slot.State == ItemState.SimulatedOpinion)
                        notes.Add(Note($"department:{slot.Item.DepartmentCode}", "conversion", $"{slot.Item.Code} of {Code}: issue the formal approval within {o.ConversionDays} working days"));
                }
                else if (slot.State == ItemState.Expired)
                    StartRound(slot, ItemRoundPurpose.Reapproval, Effective(slot.Item));
            }
            if (notes.Count > 0) await ctx.CallActivityAsync(LifecycleActivities.Notify, notes, Retry);
        }

        private void OnMaterialChange(MaterialChange c)
        {
            Timeline("material-change", $"Material change ({c.Reason}): {c.Description}; re-approval of {string.Join(", ", c.AffectedItems)}", actor: c.Actor);
            foreach (var code in c.AffectedItems.Distinct())
            {
                var slot = ApprovalSlots.Concat(AcceptanceSlots).FirstOrDefault(s => s.Item.Code == code);
                if (slot is null)
                {
                    Timeline("material-change-ignored", $"{code} is not in the approval map; nothing to re-approve", code);
                    continue;
                }
                if (!slot.Started || slot.Item.Mode == HandlingMode.WaivedByRegionalAssessment) continue; // not started yet: it will use the changed data
                if (slot.Task is not null)
                    ctx.SendEvent(slot.InstanceId!, LifecycleEvents.Withdraw, new ItemWithdrawn($"Material change ({c.Reason}): {c.Description}", slot.Round + 1));
                slot.Task = null; // the old round ends as superseded; its output is ignored
                StartRound(slot, ItemRoundPurpose.Reapproval, Effective(slot.Item));
            }
        }

        private void OnConstructionFinished(ConstructionFinished f)
        {
            if (_constructionFinished is not null) return;
            _constructionFinished = f;
            Timeline("construction-finished", $"Construction finished on {f.FinishedOn:yyyy-MM-dd}" + (_constructionPermitted ? "" : " (reported before the construction permit: acceptance waits for it)"), actor: f.Actor);
        }

        private void OnSweepEscalation(EscalateOverdue e)
        {
            var slot = _slots.FirstOrDefault(s => s.Item.Code == e.ItemCode && s.Open);
            if (slot is null || slot.OpenEscalation is not null) return;
            if (ItemSla.Read(slot.Status!, Now, calc).Light != SlaLight.Red) return;
            Escalate(slot, slot.Status!.FollowUpDueAt is not null ? EscalationCause.FollowUpOverdue : slot.State == ItemState.Converting ? EscalationCause.ConversionOverdue : EscalationCause.DecisionOverdue,
                "safety net (daily SLA sweep): " + e.Reason);
        }

        private void Escalate(Slot slot, EscalationCause cause, string? why = null)
        {
            if (slot.OpenEscalation is not null) return;
            var seq = _p.Escalations.Count + 1;
            var id = InstanceIds.JointMeeting(Code, seq);
            var summary = $"{Code} {slot.Item.Code} {slot.Item.NameZh} ({slot.Item.DepartmentCode}): {cause}" + (why is null ? "" : $" — {why}");
            var now = Now;
            _meetings[seq] = ctx.CallSubOrchestratorAsync<JointMeetingStatus>(LifecycleOrchestrators.JointMeeting,
                new JointMeetingInput(Code, seq, cause, [slot.Item.Code], [slot.Item.DepartmentCode], now, summary, o, input.Clock, ctx.InstanceId),
                Child(id));
            slot.OpenEscalation = seq;
            var record = new EscalationRecord(id, seq, cause, [slot.Item.Code], [slot.Item.DepartmentCode], EscalationLevel.JointMeeting, EscalationState.Open,
                now, calc.Calendar.AddWorkingDays(now, o.JointMeetingConveneLimitDays).Value, null, null);
            _p = _p with { Escalations = [.. _p.Escalations, record] };
            Timeline("escalated", $"{slot.Item.Code} escalated to joint meeting {seq} ({cause}), to convene by {Day(record.ConveneBy)}", slot.Item.Code);
        }

        private static string MootWord(ItemState s) => s switch
        {
            ItemState.Approved => "approved",
            ItemState.Rejected => "rejected",
            ItemState.SimulatedOpinion => "given a simulated opinion",
            ItemState.Rectifying => "ordered to rectify",
            ItemState.Superseded => "superseded",
            ItemState.Expired => "expired",
            _ => $"ended as {s}",
        };

        /// <summary>Tells an open meeting it is moot (once); its report (or the project's end) records the Moot state.</summary>
        private void RequestMoot(int seq, string reason)
        {
            foreach (var s in _slots.Where(s => s.OpenEscalation == seq)) s.OpenEscalation = null;
            var record = _p.Escalations.FirstOrDefault(e => e.Sequence == seq);
            if (record is null || record.State != EscalationState.Open || !_mootRequested.TryAdd(seq, reason)) return;
            ctx.SendEvent(record.MeetingInstanceId, LifecycleEvents.JointMeetingMoot, new JointMeetingMoot(reason, Now));
        }

        /// <summary>
        /// The project ends: every escalation still open is recorded Moot now (the project will not hear back) and its meeting
        /// is told, so no meeting keeps waiting and nothing reaches the leadership afterwards. Sending to a meeting that has
        /// ended meanwhile is harmless (the engine drops the message).
        /// </summary>
        private void EndOpenMeetings(string reason)
        {
            foreach (var e in _p.Escalations.Where(e => e.State == EscalationState.Open).ToList())
            {
                if (!_mootRequested.TryGetValue(e.Sequence, out var why))
                {
                    why = reason;
                    _mootRequested[e.Sequence] = why;
                    ctx.SendEvent(e.MeetingInstanceId, LifecycleEvents.JointMeetingMoot, new JointMeetingMoot(why, Now));
                }
                _p = _p with { Escalations = _p.Escalations.Select(x => x.Sequence != e.Sequence ? x : x with { State = EscalationState.Moot, MootAt = Now, MootReason = why }).ToList() };
                Timeline("escalation-moot", $"Joint meeting {e.Sequence} is moot: {why}");
            }
            foreach (var s in _slots) s.OpenEscalation = null;
        }

        private void OnMeetingProgress(JointMeetingStatus m)
        {
            var before = _p.Escalations.FirstOrDefault(e => e.Sequence == m.Sequence);
            if (before is null || before.State != EscalationState.Open) return;
            if (before.Level != m.Level && m.Level == EscalationLevel.Leadership)
                Timeline("escalated-leadership", $"Joint meeting {m.Sequence} not convened by {Day(m.ConveneBy)}: escalated to the leadership (疑难会商), resolve by {Day(m.LeadershipResolveBy!.Value)}");
            UpdateEscalation(m);
        }

        private async Task OnMeetingEndedAsync(int seq, Task<JointMeetingStatus> task)
        {
            _meetings.Remove(seq);
            JointMeetingStatus m;
            try { m = task.Result; }
            catch (Exception ex)
            {
                Timeline("escalation-failed", $"Joint meeting {seq} failed: {(ex as TaskFailedException)?.FailureDetails?.ErrorMessage ?? ex.Message}");
                return;
            }
            UpdateEscalation(m);
            _mootRequested.Remove(seq);
            if (m.State == EscalationState.Moot)
            {
                Timeline("escalation-moot", $"Joint meeting {seq} is moot: {m.MootReason}");
                foreach (var s in _slots.Where(s => s.OpenEscalation == seq)) s.OpenEscalation = null;
                return;
            }
            Timeline("escalation-resolved", $"Joint meeting {seq} resolved ({m.Level}): {m.Resolution?.Resolution}", actor: m.Resolution?.Actor);
            var notes = new List<NotificationRequest>();
            foreach (var f in m.FollowUps)
            {
                var slot = _slots.FirstOrDefault(s => s.Item.Code == f.ItemCode && s.Open);
                foreach (var s in _slots.Where(s => s.OpenEscalation == seq)) s.OpenEscalation = null;
                if (slot is null) continue;
                ctx.SendEvent(slot.InstanceId!, LifecycleEvents.FollowUpDeadline, new FollowUpDeadline(m.InstanceId, f.DueAt, f.Instruction));
                notes.Add(Note($"department:{slot.Item.DepartmentCode}", "follow-up-deadline", $"{f.ItemCode} of {Code}: {f.Instruction}; due {Day(f.DueAt)}"));
            }
            foreach (var s in _slots.Where(s => s.OpenEscalation == seq)) s.OpenEscalation = null;
            if (notes.Count > 0) await ctx.CallActivityAsync(LifecycleActivities.Notify, notes, Retry);
        }

        private void UpdateEscalation(JointMeetingStatus m)
        {
            _p = _p with
            {
                Escalations = _p.Escalations.Select(e => e.Sequence != m.Sequence ? e : e with
                {
                    Level = m.Level, State = m.State, ConveneBy = m.ConveneBy,
                    ResolvedAt = m.State == EscalationState.Resolved ? Now : null, Resolution = m.Resolution?.Resolution,
                    MootAt = m.State == EscalationState.Moot ? m.MootAt ?? Now : null, MootReason = m.State == EscalationState.Moot ? m.MootReason : null,
                }).ToList(),
            };
        }

        // ---- end ----

        private async Task<ProjectStatus?> CheckEndAsync()
        {
            await FlushPendingAsync();
            var rejected = ApprovalSlots.Concat(AcceptanceSlots).FirstOrDefault(s => s.State == ItemState.Rejected);
            if (rejected is not null)
            {
                var reasons = rejected.Status!.Decisions.LastOrDefault(d => d.Kind == DecisionKind.Reject)?.Reasons ?? [];
                var what = rejected.Item.JointAcceptance ? "failed joint acceptance" : "was rejected (不予许可)";
                await WithdrawRunningAsync($"{rejected.Item.Code} {what}");
                return await CloseAsync($"{rejected.Item.Code} {what}: {string.Join("; ", reasons)}");
            }
            if (_sharedDue is null) return null;
            var acceptance = AcceptanceSlots.ToList();
            var verifications = _slots.Where(s => s.Verification).ToList();
            if (!acceptance.All(s => s.State == ItemState.Approved) || verifications.Any(s => s.Status is null || !ItemStates.IsFinal(s.Status.State)))
                return null;

            // 竣工: completion with the full timeline.
            var kept = _p.Commitments.Count(c => c.State == CommitmentState.Kept);
            var broken = _p.Commitments.Count(c => c.State == CommitmentState.Broken);
            Timeline("credit-acceptance", $"Credit acceptance (信用验收): {kept} commitment(s) kept, {broken} broken");
            _p = _p with { Phase = ProjectPhase.Completed, CompletedAt = Now };
            EndOpenMeetings("Project completed");
            Timeline("completed", "Joint acceptance passed: the project is complete (竣工验收备案)");
            await ctx.CallActivityAsync(LifecycleActivities.Notify, new[] { Note($"enterprise:{Req.Uscc}", "completed", $"{Req.ProjectName} ({Code}) is complete.") }, Retry);
            await PublishAsync();
            return _p;
        }

        private async Task WithdrawRunningAsync(string reason)
        {
            foreach (var s in _slots.Where(s => s.Task is not null && s.Status is { } st && !ItemStates.IsFinal(st.State)))
                ctx.SendEvent(s.InstanceId!, LifecycleEvents.Withdraw, new ItemWithdrawn($"Project closed: {reason}", s.Round + 1));
            await Task.CompletedTask;
        }

        private async Task<ProjectStatus> CloseAsync(string reason)
        {
            _p = _p with { Phase = ProjectPhase.Closed, ClosedReason = reason, CompletedAt = Now };
            EndOpenMeetings($"Project closed: {reason}");
            Timeline("closed", reason);
            await PublishAsync();
            return _p;
        }

        // ---- credit ----

        private async Task FlushPendingAsync()
        {
            if (_pendingNotes.Count > 0)
            {
                var notes = _pendingNotes.ToList();
                _pendingNotes.Clear();
                await ctx.CallActivityAsync(LifecycleActivities.Notify, notes, Retry);
            }
            while (_pendingCredit.Count > 0)
            {
                var (item, ev, note) = _pendingCredit[0];
                _pendingCredit.RemoveAt(0);
                await CreditEventAsync(item, ev, note);
            }
        }

        private async Task CreditEventAsync(string itemCode, CreditEvent ev, string note)
        {
            var key = $"{ctx.InstanceId}:{ctx.NewGuid():N}";
            try
            {
                var change = await ctx.CallActivityAsync<CreditScoreChange>(LifecycleActivities.RecordCreditEvent,
                    new CreditEventInput(key, Req.Uscc, Code, itemCode, ev, Now, note), Retry);
                _p = _p with
                {
                    CreditEvents = [.. _p.CreditEvents, new CreditEventRecord(ev, itemCode, Now, change.Explanation)],
                    Enterprise = _p.Enterprise with { Score = change.ScoreAfter, Grade = change.GradeAfter, HasPriorFalseCommitment = _p.Enterprise.HasPriorFalseCommitment || change.MarksFalseCommitment },
                };
                Timeline("credit-event", change.Explanation, itemCode);
            }
            catch (TaskFailedException ex)
            {
                Timeline("credit-event-failed", $"{ev} for {itemCode} could not be recorded: {ex.FailureDetails?.ErrorMessage ?? ex.Message}", itemCode);
            }
        }

        // ---- helpers ----

        private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(5)));

        private static SubOrchestrationOptions Child(string instanceId) => new(new TaskOptions(), instanceId);

        /// <summary>True the first time an event id is seen (delivery is at least once); an event without an id always applies.</summary>
        private bool FirstTime(string eventId) => _applied.Add(eventId);

        private bool FirstTime(string eventName, string? key) => key is null || FirstTime($"{eventName}:{key}");

        private Task<T> Wait<T>(string name)
        {
            if (!_waits.TryGetValue(name, out var t)) _waits[name] = t = ctx.WaitForExternalEvent<T>(name);
            return (Task<T>)t;
        }

        // ---- read model ----

        private long _version;
        private int _publishedTimeline;
        private object? _publishedHead;
        private string? _publishedRow;
        private readonly Dictionary<string, (ItemStatus Status, string? DueKey, bool Escalated)> _published = new();
        private readonly Dictionary<int, EscalationRecord> _publishedEscalations = new();

        /// <summary>
        /// Publishes what changed since the previous publish to the read model (activity <see cref="LifecycleActivities.PublishProjectReadModel"/>)
        /// under the next version, and sets the small custom status. Nothing changed: no activity, no new version. Deterministic:
        /// the comparison uses only orchestration state, so a replay schedules the same publishes with the same versions.
        /// </summary>
        private async Task PublishAsync()
        {
            var items = _slots.Where(s => s.Status is not null).Select(s => s.Status!).ToList();
            var stage = ApprovalSlots.Concat(AcceptanceSlots).Where(s => !s.Done).Select(s => s.Item.Stage).DefaultIfEmpty(_plan?.Stages.Max(s => s.Number) ?? 0).Min();
            var phase = _p.Phase switch
            {
                ProjectPhase.Completed or ProjectPhase.Closed or ProjectPhase.Filing => _p.Phase,
                _ when _sharedDue is not null => ProjectPhase.JointAcceptance,
                _ when _constructionPermitted => ProjectPhase.UnderConstruction,
                _ when ApprovalSlots.All(s => s.Done || s.Item.Code == o.ConstructionPermitItem) && !_p.LandRightsHeld && ApprovalSlots.Any(s => s.State == ItemState.SimulatedOpinion) => ProjectPhase.AwaitingLandRights,
                _ => ProjectPhase.InApproval,
            };
            _p = _p with { Items = items, CurrentStage = stage, Phase = phase };
            var ended = phase is ProjectPhase.Completed or ProjectPhase.Closed;

            var changes = new List<ReadModel.ItemChange>();
            for (var n = 0; n < _slots.Count; n++)
            {
                var slot = _slots[n];
                if (slot.Status is not { } status) continue;
                var slotKey = slot.Verification ? slot.Item.Code + "|verify" : slot.Item.Code;
                // An ended project leaves the department index entirely (its rounds are withdrawn; nobody decides them any more).
                var due = ended ? null : ReadModel.ReadModelKeys.DueKey(status, calc);
                var escalated = _p.Escalations.Any(e => e.State == EscalationState.Open && e.ItemCodes.Contains(slot.Item.Code));
                _published.TryGetValue(slotKey, out var prev);
                if (prev.Status is not null && prev.Status.InstanceId != status.InstanceId)
                {
                    // A new round replaced the slot's previous one: that round leaves the index.
                    if (prev.DueKey is not null) changes.Add(new ReadModel.ItemChange(slotKey, n, prev.Status, null, prev.DueKey, false, IndexOnly: true));
                    prev = default;
                }
                if (prev.Status is not null && prev.Status.Sequence == status.Sequence && prev.Status.State == status.State && prev.DueKey == due && prev.Escalated == escalated) continue;
                changes.Add(new ReadModel.ItemChange(slotKey, n, status, due, prev.DueKey, escalated));
                _published[slotKey] = (status, due, escalated);
            }
            var escalations = _p.Escalations.Where(e => !_publishedEscalations.TryGetValue(e.Sequence, out var before) || !ReferenceEquals(before, e)).ToList();
            var head = (_p.Phase, _p.CurrentStage, _p.Enterprise, _p.Commitments, _p.CreditEvents, _p.LandRightsHeld, _p.SimulatedApproval, _p.CatalogVersion, _p.CompletedAt, _p.ClosedReason);
            if (changes.Count == 0 && escalations.Count == 0 && _publishedTimeline == _p.Timeline.Count && Equals(_publishedHead, head)) return;

            _version++;
            _p = _p with { UpdatedAt = Now };
            var open = ended ? [] : _slots.Where(s => s.Open).ToList();
            var update = new ReadModel.ReadModelUpdate(_version, _p with { Items = [], Timeline = [], Escalations = [] }, Req.ZoneCode,
                open.Select(s => ItemSla.EffectiveDue(s.Status!, calc).DueAt).OfType<DateTimeOffset>().ToList(), open.Count,
                open.Select(s => s.Item.DepartmentCode).Distinct().ToList(), _p.Escalations.Count(e => e.State == EscalationState.Open),
                changes, _publishedTimeline, _p.Timeline.Skip(_publishedTimeline).ToList(), escalations);
            // The project row's columns (what lists filter on): unchanged, the writer skips the row.
            var row = string.Join(";", update.Head.Phase, update.Head.CurrentStage, update.OpenItems, update.OpenEscalations, string.Join(",", update.OpenDepartments),
                string.Join(",", update.OpenDues.Select(d => d.UtcTicks)), update.Head.Enterprise.Name);
            update = update with { ProjectRowChanged = row != _publishedRow };
            // The custom status commits with the episode that schedules the publish, so it is never behind the read model:
            // a command that checks it (ProjectCommands) sees at least what a reader of the read model saw.
            ctx.SetCustomStatus(CustomStatus());
            await ctx.CallActivityAsync<bool>(LifecycleActivities.PublishProjectReadModel, update, Retry);
            _publishedTimeline = _p.Timeline.Count;
            _publishedHead = head;
            _publishedRow = row;
            foreach (var e in escalations) _publishedEscalations[e.Sequence] = e;
        }

        /// <summary>The next publish sends everything (the read-model rebuild asked for it): rows are rewritten at the project's current keys.</summary>
        private void ForgetPublished()
        {
            _published.Clear();
            _publishedEscalations.Clear();
            _publishedTimeline = 0;
            _publishedHead = null;
            _publishedRow = null;
        }

        private ProjectCustomStatus CustomStatus() => new(Code, _p.Phase, _p.CurrentStage, _version, _p.LandRightsHeld,
            _slots.Count(s => s.Open), _p.Escalations.Count(e => e.State == EscalationState.Open), _p.Timeline.Count,
            _slots.Where(s => s.Status is not null).Select(s => new RoundRef(s.Item.Code, s.Status!.InstanceId, s.Status.Round, s.Status.Purpose, s.Status.State)).ToList(),
            Now);

        private void Timeline(string kind, string text, string? itemCode = null, Actor? actor = null) =>
            _p = _p with { Timeline = [.. _p.Timeline, new TimelineEntry(Now, kind, text, itemCode, actor)] };

        private NotificationRequest Note(string recipient, string kind, string body) =>
            new($"{ctx.InstanceId}:{ctx.NewGuid():N}", Code, recipient, kind, $"[{Code}] {kind}", body);

        private string Due(ItemStatus s) => ItemSla.EffectiveDue(s, calc).DueAt is { } d ? Day(d) : "-";

        private static string Day(DateTimeOffset t) => ChinaTime.LocalDate(t).ToString("yyyy-MM-dd");
    }
}
