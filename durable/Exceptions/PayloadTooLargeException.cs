namespace Orchestrator.Durable;

/// <summary>A payload exceeds DurableTaskOptions.MaxPayloadBytes; nothing was stored.</summary>
public sealed class PayloadTooLargeException(string what, long sizeBytes, long limitBytes)
    : ArgumentException($"The {what} is {sizeBytes} bytes serialized, over the limit of {limitBytes} bytes (Durable:MaxPayloadBytes). Store large data elsewhere and pass a reference.")
{
    public long SizeBytes { get; } = sizeBytes;
    public long LimitBytes { get; } = limitBytes;
}
