namespace Orchestrator.Durable;

/// <summary>
/// Retry of a failed activity or sub-orchestration. Delay before attempt n+1 is
/// firstRetryInterval * backoffCoefficient^(n-1), capped by maxRetryInterval; no new attempt starts once
/// retryTimeout has elapsed since the first attempt. Waits are durable timers.
/// </summary>
public sealed class RetryPolicy
{
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        if (maxNumberOfAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(maxNumberOfAttempts), maxNumberOfAttempts, "Use at least 1 attempt.");
        if (firstRetryInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "Use a positive interval.");
        if (backoffCoefficient < 1.0)
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "Use a coefficient >= 1.");
        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    public int MaxNumberOfAttempts { get; }
    public TimeSpan FirstRetryInterval { get; }
    public double BackoffCoefficient { get; }
    public TimeSpan MaxRetryInterval { get; }
    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> when unlimited.</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Delay after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    internal TimeSpan DelayAfter(int attempt)
    {
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, attempt - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
