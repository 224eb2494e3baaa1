using System.IO.Compression;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// The project's custom status as the engine stores it: the <see cref="ProjectStatus"/> JSON, gzip-compressed, in a
/// small envelope. DTFx's Azure Storage provider keeps custom status in one table property (at most 32K characters) and,
/// unlike inputs and outputs, never moves it to a blob: a project's read model passes that size during approval (about 2 KB
/// per item round plus the timeline), and the instance update then fails on every retry, so the project stops. Compressed it
/// is several times smaller. The orchestration's output stays the plain <see cref="ProjectStatus"/> (outputs do overflow to blobs).
/// </summary>
/// <remarks>Interim: the design (runtime.md) puts the read model in Azure Tables written by activities.</remarks>
public static class ProjectStatusWire
{
    /// <summary>The envelope: base64 of the gzip of the status JSON (<see cref="DomainJson.Wire"/>).</summary>
    public sealed record Envelope(string Gzip);

    public static Envelope Encode(ProjectStatus status)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(status, DomainJson.Wire);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(json);
        return new Envelope(Convert.ToBase64String(buffer.ToArray()));
    }

    public static ProjectStatus? Decode(Envelope? envelope)
    {
        if (envelope?.Gzip is not { Length: > 0 } data) return null;
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(data)), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<ProjectStatus>(gzip, DomainJson.Wire);
    }

    /// <summary>The project status in an instance's custom status, or null (none yet, or not a project).</summary>
    public static ProjectStatus? Read(OrchestrationMetadata m) => Decode(m.ReadCustomStatusAs<Envelope>());
}
