namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>A round of an item as the project's custom status names it: enough for commands to find the round instance.</summary>
public sealed record RoundRef(string ItemCode, string InstanceId, int Round, ItemRoundPurpose Purpose, ItemState State);

/// <summary>
/// Custom status of the project orchestration: small on purpose (DTFx keeps custom status in one table property and it
/// cannot be queried). The project as people read it lives in the read model (<c>ReadModel/</c>, Azure tables written by
/// <see cref="LifecycleActivities.PublishProjectReadModel"/>); this is what the command side checks against the source of
/// truth: phase, stage, land rights, the rounds and their states, and <see cref="Version"/> (the publish counter).
/// </summary>
public sealed record ProjectCustomStatus(
    string ProjectCode,
    ProjectPhase Phase,
    int CurrentStage,
    long Version,
    bool LandRightsHeld,
    int OpenItems,
    int OpenEscalations,
    int TimelineEntries,
    IReadOnlyList<RoundRef> Rounds,
    DateTimeOffset UpdatedAt);
