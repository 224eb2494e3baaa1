using System.Buffers.Text;
using System.Text;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Continuation tokens of the read-model lists. Azure Tables' own token is the next partition and row key in clear text, and
/// a table query resumes at whatever key it is given; wrapped with the list it belongs to, a token this service did not
/// issue (or one of another list, e.g. another department's) is refused instead of resuming at an arbitrary key.
/// </summary>
public static class PageTokens
{
    private const string Version = "rm1";

    /// <summary>The caller's token for a table token of <paramref name="list"/>; null (no more pages) stays null.</summary>
    public static string? Wrap(string list, string? tableToken) =>
        tableToken is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}\n{list}\n{tableToken}"));

    /// <summary>The table token inside <paramref name="token"/>; null for the first page.</summary>
    /// <exception cref="FormatException">The token was not issued by this service for <paramref name="list"/>.</exception>
    public static string? Unwrap(string list, string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        string text;
        try { text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)); }
        catch (FormatException) { throw NotOurs(); }
        var parts = text.Split('\n', 3);
        if (parts.Length != 3 || parts[0] != Version || parts[2].Length == 0) throw NotOurs();
        if (parts[1] != list) throw new FormatException($"The continuation token belongs to another list ({parts[1]}), not {list}.");
        return parts[2];
    }

    private static FormatException NotOurs() => new("Not a continuation token this service issued.");
}
