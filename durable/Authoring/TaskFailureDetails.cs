namespace Orchestrator.Durable;

/// <summary>What went wrong in an activity, sub-orchestration or orchestrator.</summary>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure)
{
    public static TaskFailureDetails FromException(Exception ex) => new(
        ex.GetType().FullName ?? ex.GetType().Name, ex.Message, ex.StackTrace,
        ex.InnerException is null ? null : FromException(ex.InnerException));

    /// <summary>True when the failure was caused by an exception of type <typeparamref name="T"/>.</summary>
    public bool IsCausedBy<T>() where T : Exception => ErrorType == typeof(T).FullName;

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
