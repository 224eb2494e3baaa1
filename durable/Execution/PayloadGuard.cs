using System.Text;

namespace Orchestrator.Durable.Execution;

internal static class PayloadGuard
{
    public static void Check(string? json, string what, long limitBytes)
    {
        if (json is null || json.Length * 3L <= limitBytes)
            return; // fast path: even all-3-byte UTF-8 fits
        var size = Encoding.UTF8.GetByteCount(json);
        if (size > limitBytes)
            throw new PayloadTooLargeException(what, size, limitBytes);
    }
}
