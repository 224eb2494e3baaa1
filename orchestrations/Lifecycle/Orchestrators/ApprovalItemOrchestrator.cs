using Microsoft.DurableTask;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle.Orchestrators;

/// <summary>
/// One round of one item (事项), instance <c>item-{code}-{item}[-r{n}]</c>. Deterministic: time comes from the input's
/// <see cref="Clocks.DomainClock"/> (timers at the real instant of a domain deadline), deadlines from the input's rules (行政许可法 Art. 82 working days, Asia/Shanghai), every wait is a
/// durable timer or an external event. The custom status (<see cref="ItemStatus"/>) is the item's authoritative state;
/// every change is also sent to the project (<see cref="LifecycleEvents.ItemProgress"/>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Waived (区域评估) and commitment (告知承诺, 承诺即办结) items complete at once; an item whose promised limit is 0 (filing, 秒批) is approved at acceptance.</item>
/// <item>Otherwise the item is accepted now (受理) and its decision clock starts; tolerance acceptance (容缺受理) starts the materials clock too.</item>
/// <item>Decisions: approve, reject, request correction (pauses until materials), special procedure (Art. 45, pauses), extend once (Art. 42).</item>
/// <item>A timer fires at the warning margin (warning sent once per deadline) and just after the due instant (overdue → the project escalates).
/// A late decision still counts; the record shows how many working days late.</item>
/// <item>Simulated (模拟审批): approval gives a simulated opinion valid one year (expiry timer); the project's StartConversion opens
/// a 3-working-day conversion clock (文件转换) whose approval makes the opinion formal.</item>
/// <item>An event that is not valid in the current state is recorded in <see cref="ItemStatus.Ignored"/> and changes nothing.</item>
/// </list>
/// </remarks>
public sealed class ApprovalItemOrchestrator : TaskOrchestrator<ItemInput, ItemStatus>
{
    public override Task<ItemStatus> RunAsync(TaskOrchestrationContext context, ItemInput input) =>
        new ItemRun(context, input).RunAsync();

    private sealed class ItemRun(TaskOrchestrationContext ctx, ItemInput input)
    {
        private readonly ItemClockCalculator calc = input.Rules.CreateCalculator();
        private readonly LifecycleRules options = input.Rules;
        private readonly HashSet<string> _followUps = [];
        private ItemStatus _s = null!;
        private bool _dirty;
        private readonly List<(ItemSignal Signal, EscalationCause? Cause)> _signals = [];
        private DateTimeOffset? _warnedFor;
        private DateTimeOffset? _overdueFor;
        private bool _materialsOverdueSent;
        private bool _landRightsKnown;
        private ItemState _phase = ItemState.UnderReview; // state to return to after a pause
        private readonly Dictionary<string, Task> _waits = new();

        private DateTimeOffset Now => input.Clock.ToDomain(ctx.CurrentUtcDateTime);
        private PlannedItem Item => input.Item;

        public async Task<ItemStatus> RunAsync()
        {
            var now = Now;
            _s = new ItemStatus(ctx.InstanceId, 0, input.ProjectCode, Item, input.Round, input.Purpose, ItemState.Pending,
                null, null, null, input.MissingMaterials ?? [], null, null, input.SharedDueAt, null, null, null, 0, false, 0, [], [], now);

            if (input.Purpose is ItemRoundPurpose.Approval or ItemRoundPurpose.Reapproval)
            {
                if (Item.Mode == HandlingMode.WaivedByRegionalAssessment)
                    return Finish(_s with { State = ItemState.Waived, DecidedAt = now }, Entry("waived", Actor.System, Item.Reason));
                if (Item.Mode == HandlingMode.Commitment)
                    return Finish(_s with { State = ItemState.Committed, AcceptedAt = now, DecidedAt = now },
                        Entry("committed", Actor.System, "承诺即办结: granted on the enterprise's commitment; verified at credit acceptance."));
            }

            // 受理: acceptance starts the decision clock (the acceptance day is not counted, Art. 82).
            var clock = ItemClock.Start(Item.Code, now, Item.Limit);
            ItemClock? materials = null;
            if (Item.ToleranceAccepted && Item.ToleranceMaterialsLimit is { } ml && input.Purpose is ItemRoundPurpose.Approval or ItemRoundPurpose.Reapproval)
                materials = ItemClock.StartToleranceMaterials(Item.Code, now, ml);
            Set(_s with { State = ItemState.UnderReview, AcceptedAt = now, Clock = clock, MaterialsClock = materials });
            AddRecord(Entry("accepted", Actor.System, materials is null ? "受理" : $"容缺受理: missing {string.Join(", ", _s.MissingMaterials)}"));

            if (Item.Limit.Days == 0 && input.Purpose is ItemRoundPurpose.Approval or ItemRoundPurpose.Reapproval && Item.Mode != HandlingMode.Simulated)
            {
                // 秒批秒办: a limit of 0 days (e.g. enterprise filing) is decided at acceptance.
                Set(_s with { State = ItemState.Approved, DecidedAt = now, Clock = clock.Stop(now) });
                AddRecord(new DecisionRecord(DecisionKind.Approve, "approve", Actor.System, now, [], "秒批: recorded at once", null, 0));
                return Complete();
            }

            while (KeepRunning())
            {
                now = Now;
                var next = Evaluate(now);
                if (!KeepRunning()) break;
                Publish();

                using var cts = new CancellationTokenSource();
                Task? timer = next is { } at ? ctx.CreateTimer(input.Clock.ToReal(at), cts.Token) : null;
                var decision = Wait<DepartmentDecision>(LifecycleEvents.Decision);
                var supplied = Wait<MaterialsSupplied>(LifecycleEvents.MaterialsSupplied);
                var conversion = Wait<LandRightsObtained>(LifecycleEvents.StartConversion);
                var followUp = Wait<FollowUpDeadline>(LifecycleEvents.FollowUpDeadline);
                var withdraw = Wait<ItemWithdrawn>(LifecycleEvents.Withdraw);
                var all = new List<Task> { decision, supplied, conversion, followUp, withdraw };
                if (timer is not null) all.Add(timer);

                var winner = await Task.WhenAny(all);
                if (winner == timer) continue;
                cts.Cancel();
                now = Now;
                if (winner == decision) { Consume(LifecycleEvents.Decision); OnDecision(decision.Result, now); }
                else if (winner == supplied) { Consume(LifecycleEvents.MaterialsSupplied); OnMaterials(supplied.Result, now); }
                else if (winner == conversion) { Consume(LifecycleEvents.StartConversion); OnConversion(conversion.Result, now); }
                else if (winner == followUp) { Consume(LifecycleEvents.FollowUpDeadline); OnFollowUp(followUp.Result, now); }
                else if (winner == withdraw) { Consume(LifecycleEvents.Withdraw); OnWithdraw(withdraw.Result, now); }
            }
            return Complete();
        }

        /// <summary>
        /// Runs while the item is not final, and after approval while tolerance materials are still awaited
        /// (容缺 supervision list) until they are supplied or their deadline passes.
        /// </summary>
        private bool KeepRunning() => !ItemStates.IsFinal(_s.State)
            || (_s.State == ItemState.Approved && _s.MaterialsClock is { IsStopped: false } && !_materialsOverdueSent);

        // ---- timers ----

        /// <summary>Fires what is due at <paramref name="now"/> and returns the next instant to wake up at.</summary>
        private DateTimeOffset? Evaluate(DateTimeOffset now)
        {
            var candidates = new List<DateTimeOffset>();
            if (ItemStates.IsOpen(_s.State))
            {
                var (due, _, clockName) = ItemSla.EffectiveDue(_s, calc);
                if (due is { } d)
                {
                    if (_s.State == ItemState.Rectifying && now > d)
                    {
                        // Rectification not completed by its deadline: the acceptance fails.
                        Set(_s with { State = ItemState.Rejected, DecidedAt = now, RectifyBy = null });
                        AddRecord(Entry("rectification-overdue", Actor.System, $"Rectification not reported by {Local(d)}: acceptance failed."));
                        return null;
                    }
                    if (now > d && _overdueFor != d)
                    {
                        _overdueFor = d;
                        Set(_s with { Escalations = _s.Escalations + 1 });
                        AddRecord(Entry("overdue", Actor.System, $"{clockName} deadline {Local(d)} passed"));
                        _signals.Add((ItemSignal.Overdue, clockName switch
                        {
                            "conversion" => EscalationCause.ConversionOverdue,
                            "follow-up" => EscalationCause.FollowUpOverdue,
                            "joint-acceptance" => EscalationCause.AcceptanceOverdue,
                            _ => EscalationCause.DecisionOverdue,
                        }));
                    }
                    else if (now <= d)
                    {
                        var warnAt = ItemSla.WarningStart(calc.Calendar, d, calc.Options.WarningMarginDays,
                            clockName != "decision" || _s.Clock?.Limit.Unit != DayUnit.NaturalDays);
                        if (warnAt is { } w && _warnedFor != d)
                        {
                            if (now >= w)
                            {
                                _warnedFor = d;
                                Set(_s with { WarningSent = true });
                                _signals.Add((ItemSignal.Warning, null));
                            }
                            else candidates.Add(w);
                        }
                        candidates.Add(d.AddTicks(1));
                    }
                }
            }
            if (_s.MaterialsClock is { IsStopped: false } mc)
            {
                var mdue = calc.DueAt(mc).Value;
                if (now > mdue)
                {
                    if (!_materialsOverdueSent)
                    {
                        _materialsOverdueSent = true;
                        AddRecord(Entry("materials-overdue", Actor.System, $"容缺材料 not supplied by {Local(mdue)}: {string.Join(", ", _s.MissingMaterials)}"));
                        _signals.Add((ItemSignal.MaterialsOverdue, null));
                    }
                }
                else candidates.Add(mdue.AddTicks(1));
            }
            if (_s.State == ItemState.SimulatedOpinion && _s.SimulatedValidUntil is { } until)
            {
                if (now >= until)
                {
                    Set(_s with { State = ItemState.Expired });
                    AddRecord(Entry("simulated-expired", Actor.System, $"The simulated opinion expired on {Local(until)} before land rights were obtained; re-approval is needed."));
                    return null;
                }
                candidates.Add(until);
            }
            return candidates.Count == 0 ? null : candidates.Min();
        }

        // ---- events ----

        private void OnDecision(DepartmentDecision d, DateTimeOffset now)
        {
            if (IsDuplicate(d.IdempotencyKey)) { Ignore(LifecycleEvents.Decision, now, d.IdempotencyKey, "duplicate idempotency key"); return; }
            if (!ItemStates.IsOpen(_s.State)) { Ignore(LifecycleEvents.Decision, now, d.IdempotencyKey, $"the item is {_s.State}, not open for decisions"); return; }
            if (d.Actor.DepartmentCode is { } dept && d.Actor.Role == "department" && !string.Equals(dept, Item.DepartmentCode, StringComparison.OrdinalIgnoreCase))
            { Ignore(LifecycleEvents.Decision, now, d.IdempotencyKey, $"department {dept} may not decide an item of {Item.DepartmentCode}"); return; }
            var shape = d.Validate();
            if (shape.Count > 0) { Ignore(LifecycleEvents.Decision, now, d.IdempotencyKey, string.Join("; ", shape)); return; }
            var error = DecisionRules.Check(_s, d);
            if (error is not null) { Ignore(LifecycleEvents.Decision, now, d.IdempotencyKey, error); return; }

            var (due, _, _) = ItemSla.EffectiveDue(_s, calc);
            if (due is null && _s.Clock is { IsPaused: true } pc) due = calc.Read(pc, now).DueAt;
            var late = ItemSla.WorkingDaysLate(calc.Calendar, due, now);
            var clock = _s.Clock;
            try
            {
                switch (d.Kind)
                {
                    case DecisionKind.Approve:
                        clock = clock is { IsStopped: false } ? clock.Stop(now) : clock;
                        if (_s.State == ItemState.Converting || (Item.Mode != HandlingMode.Simulated || _landRightsKnown) || input.Purpose != ItemRoundPurpose.Approval && input.Purpose != ItemRoundPurpose.Reapproval)
                            Set(_s with { State = ItemState.Approved, Clock = clock, DecidedAt = now, WorkingDaysLate = Math.Max(_s.WorkingDaysLate, late), FollowUpDueAt = null, RectifyBy = null });
                        else
                            Set(_s with
                            {
                                State = ItemState.SimulatedOpinion, Clock = clock, DecidedAt = now, WorkingDaysLate = late, FollowUpDueAt = null,
                                SimulatedValidUntil = now.AddYears(options.SimulatedValidityYears),
                            });
                        break;
                    case DecisionKind.Reject:
                        clock = clock is { IsStopped: false } ? clock.Stop(now) : clock;
                        Set(_s with { State = ItemState.Rejected, Clock = clock, DecidedAt = now, WorkingDaysLate = Math.Max(_s.WorkingDaysLate, late), FollowUpDueAt = null, RectifyBy = null });
                        break;
                    case DecisionKind.RequestCorrection:
                        _phase = _s.State;
                        Set(_s with { State = ItemState.CorrectionRequested, Clock = clock!.Pause(now, SpecialProcedure.Other, "补正: " + string.Join("; ", d.Reasons!)) });
                        break;
                    case DecisionKind.StartSpecialProcedure:
                        _phase = _s.State;
                        Set(_s with { State = ItemState.SpecialProcedure, Clock = clock!.Pause(now, d.Procedure!.Value, d.Reason!) });
                        break;
                    case DecisionKind.EndSpecialProcedure:
                        Set(_s with { State = _phase, Clock = clock!.Resume(now) });
                        break;
                    case DecisionKind.Extend:
                        Set(_s with { Clock = clock!.Extend(d.Days!.Value, d.Reason!, d.Actor.Name, now) });
                        break;
                    case DecisionKind.Rectify:
                        clock = clock is { IsStopped: false } ? clock.Stop(now) : clock;
                        Set(_s with { State = ItemState.Rectifying, Clock = clock, RectifyBy = calc.Calendar.AddWorkingDays(now, d.Days!.Value).Value });
                        break;
                }
            }
            catch (ClockRuleException ex)
            {
                Ignore(LifecycleEvents.Decision, now, d.IdempotencyKey, ex.Message);
                return;
            }
            var detail = d.Kind switch
            {
                DecisionKind.StartSpecialProcedure => $"{d.Procedure}: {d.Reason}",
                DecisionKind.Extend => $"+{d.Days} days: {d.Reason}",
                DecisionKind.Rectify => $"rectify within {d.Days} working days (by {Local(_s.RectifyBy!.Value)})",
                DecisionKind.Approve when _s.State == ItemState.SimulatedOpinion => $"simulated opinion (模拟审批意见), valid until {Local(_s.SimulatedValidUntil!.Value)}",
                _ => null,
            };
            if (d.Note is not null) detail = detail is null ? d.Note : $"{detail}; {d.Note}";
            var counts = d.Kind is DecisionKind.Approve or DecisionKind.Reject or DecisionKind.Rectify;
            AddRecord(new DecisionRecord(d.Kind, Kebab(d.Kind), d.Actor, now, d.Reasons ?? [], detail, d.IdempotencyKey, counts ? late : 0));
        }

        private void OnMaterials(MaterialsSupplied m, DateTimeOffset now)
        {
            if (IsDuplicate(m.IdempotencyKey)) { Ignore(LifecycleEvents.MaterialsSupplied, now, m.IdempotencyKey, "duplicate idempotency key"); return; }
            var text = string.Join(", ", m.Materials);
            if (_s.State == ItemState.CorrectionRequested)
            {
                Set(_s with { State = _phase, Clock = _s.Clock!.Resume(now) });
                AddRecord(Entry("correction-supplied", m.Actor, text, m.IdempotencyKey));
            }
            else if (_s.State == ItemState.Rectifying)
            {
                // 整改完成: re-inspection on the item's own limit.
                Set(_s with { State = ItemState.UnderReview, RectifyBy = null, SharedDueAt = null, Clock = ItemClock.Start(Item.Code, now, Item.Limit) });
                _phase = ItemState.UnderReview;
                AddRecord(Entry("rectification-reported", m.Actor, $"re-inspection within {Item.Limit}: {text}", m.IdempotencyKey));
            }
            else if (_s.MaterialsClock is { IsStopped: false } mc)
            {
                Set(_s with { MaterialsClock = mc.Stop(now), MaterialsSuppliedAt = now });
                var onTime = calc.StoppedOnTime(_s.MaterialsClock!);
                AddRecord(Entry("materials-supplied", m.Actor, (onTime ? "容缺补齐 on time: " : "容缺补齐 late: ") + text, m.IdempotencyKey));
            }
            else Ignore(LifecycleEvents.MaterialsSupplied, now, m.IdempotencyKey, $"no materials are awaited (item is {_s.State})");
        }

        private void OnConversion(LandRightsObtained l, DateTimeOffset now)
        {
            if (_landRightsKnown) { Ignore(LifecycleEvents.StartConversion, now, l.IdempotencyKey, "land rights were already reported to this round"); return; }
            _landRightsKnown = true;
            if (_s.State != ItemState.SimulatedOpinion)
            {
                // Still under review: its approval will be formal directly.
                AddRecord(Entry("land-rights", l.Actor, $"land contract {l.ContractNumber} signed {l.ContractDate:yyyy-MM-dd}; the approval will be formal"));
                return;
            }
            // 文件转换: every simulated opinion becomes formal within 3 working days, on its own clock.
            var clock = ItemClock.Start(Item.Code, now, TimeLimit.WorkingDays(options.ConversionDays));
            _phase = ItemState.Converting;
            Set(_s with { State = ItemState.Converting, Clock = clock, WarningSent = false });
            AddRecord(Entry("conversion-started", l.Actor, $"land contract {l.ContractNumber} signed {l.ContractDate:yyyy-MM-dd}; formal approval due {Local(calc.DueAt(clock).Value)}"));
        }

        private void OnFollowUp(FollowUpDeadline f, DateTimeOffset now)
        {
            if (!ItemStates.IsOpen(_s.State)) { Ignore(LifecycleEvents.FollowUpDeadline, now, null, $"the item is {_s.State}"); return; }
            if (!_followUps.Add(f.MeetingInstanceId)) { Ignore(LifecycleEvents.FollowUpDeadline, now, f.MeetingInstanceId, "this meeting's follow-up deadline was already applied"); return; }
            Set(_s with { FollowUpDueAt = f.DueAt });
            AddRecord(Entry("follow-up-deadline", Actor.System, $"joint meeting {f.MeetingInstanceId}: {f.Instruction}; due {Local(f.DueAt)}"));
        }

        private void OnWithdraw(ItemWithdrawn w, DateTimeOffset now)
        {
            var clock = _s.Clock is { IsStopped: false } c ? c.Stop(now) : _s.Clock;
            var materials = _s.MaterialsClock is { IsStopped: false } m ? m.Stop(now) : _s.MaterialsClock;
            Set(_s with { State = ItemState.Superseded, Clock = clock, MaterialsClock = materials, DecidedAt = now });
            AddRecord(Entry("superseded", Actor.System, $"{w.Reason}; continues in round {w.NextRound}"));
        }

        // ---- helpers ----

        private Task<T> Wait<T>(string name)
        {
            if (!_waits.TryGetValue(name, out var t)) _waits[name] = t = ctx.WaitForExternalEvent<T>(name);
            return (Task<T>)t;
        }

        private void Consume(string name) => _waits.Remove(name);

        private bool IsDuplicate(string? key) => key is not null && _s.Decisions.Any(r => r.IdempotencyKey == key);

        private void Ignore(string eventName, DateTimeOffset now, string? key, string why)
        {
            Set(_s with { Ignored = [.. _s.Ignored, new IgnoredEvent(eventName, now, key, why)] });
        }

        private DecisionRecord Entry(string entry, Actor actor, string? detail, string? key = null) =>
            new(null, entry, actor, Now, [], detail, key, 0);

        private void AddRecord(DecisionRecord r) => Set(_s with { Decisions = [.. _s.Decisions, r] });

        private void Set(ItemStatus s)
        {
            _s = s with { Sequence = _s.Sequence + 1, UpdatedAt = Now };
            _dirty = true;
        }

        private void Publish()
        {
            if (!_dirty && _signals.Count == 0) return;
            ctx.SetCustomStatus(_s);
            if (input.ParentInstanceId is { } parent)
            {
                if (_signals.Count == 0) ctx.SendEvent(parent, LifecycleEvents.ItemProgress, new ItemProgress(ItemSignal.Changed, _s));
                foreach (var (signal, cause) in _signals) ctx.SendEvent(parent, LifecycleEvents.ItemProgress, new ItemProgress(signal, _s, cause));
            }
            _signals.Clear();
            _dirty = false;
        }

        private ItemStatus Finish(ItemStatus s, DecisionRecord record)
        {
            Set(s);
            AddRecord(record);
            return Complete();
        }

        private ItemStatus Complete()
        {
            // The final status is also the output; the project reads it from the sub-orchestration result.
            // Pending signals (e.g. materials overdue found together with the end) still go out.
            if (_signals.Count > 0 && input.ParentInstanceId is { } parent)
                foreach (var (signal, cause) in _signals) ctx.SendEvent(parent, LifecycleEvents.ItemProgress, new ItemProgress(signal, _s, cause));
            _signals.Clear();
            ctx.SetCustomStatus(_s);
            return _s;
        }

        private static string Local(DateTimeOffset t) => Calendar.ChinaTime.LocalDate(t).ToString("yyyy-MM-dd");

        private static string Kebab(DecisionKind k) => k switch
        {
            DecisionKind.Approve => "approve",
            DecisionKind.Reject => "reject",
            DecisionKind.RequestCorrection => "request-correction",
            DecisionKind.StartSpecialProcedure => "start-special-procedure",
            DecisionKind.EndSpecialProcedure => "end-special-procedure",
            DecisionKind.Extend => "extend",
            _ => "rectify",
        };
    }
}
