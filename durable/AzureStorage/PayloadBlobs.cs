using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Keeps strings that a table property or a queue message cannot hold in the payload container. A table string
/// property holds 64 KiB of UTF-16 (32K characters); a queue message 64 KiB. The row or message keeps the blob
/// name instead (property "{name}Blob"). Blob names are random, never reused: a writer that loses an ETag race
/// must not overwrite the winner's payload; orphans of lost races are removed when the instance is purged
/// (every blob of an instance lives under "{instanceId}/").
/// </summary>
internal sealed class PayloadBlobs(BlobContainerClient container)
{
    /// <summary>Characters kept inline in one table property (limit 32,768; a little head-room).</summary>
    public const int MaxInlineTableChars = 30_000;

    /// <summary>UTF-8 bytes kept inline in one queue message (limit 64 KiB including the XML envelope).</summary>
    public const int MaxInlineQueueBytes = 48 * 1024;

    public BlobContainerClient Container { get; } = container;

    /// <summary>Sets entity[name] inline, or uploads and sets entity[name + "Blob"].</summary>
    public async ValueTask SetAsync(TableEntity entity, string name, string? value, string instanceId, CancellationToken ct)
    {
        entity.Remove(name);
        entity.Remove(name + "Blob");
        if (value is null) return;
        if (value.Length <= MaxInlineTableChars)
        {
            entity[name] = value;
            return;
        }
        entity[name + "Blob"] = await UploadAsync(instanceId, value, ct).ConfigureAwait(false);
    }

    /// <summary>Reads what <see cref="SetAsync"/> wrote.</summary>
    public async ValueTask<string?> GetAsync(TableEntity entity, string name, CancellationToken ct)
    {
        if (entity.TryGetValue(name + "Blob", out var blob) && blob is string blobName)
            return await DownloadAsync(blobName, ct).ConfigureAwait(false);
        return entity.TryGetValue(name, out var inline) ? inline as string : null;
    }

    public static bool IsOffloaded(TableEntity entity, string name) => entity.ContainsKey(name + "Blob");

    public async Task<string> UploadAsync(string instanceId, string value, CancellationToken ct)
    {
        var blobName = $"{instanceId}/{Guid.NewGuid():N}";
        await Container.GetBlobClient(blobName)
            .UploadAsync(BinaryData.FromString(value), overwrite: true, ct).ConfigureAwait(false);
        return blobName;
    }

    public async Task<string> DownloadAsync(string blobName, CancellationToken ct)
    {
        try
        {
            var content = await Container.GetBlobClient(blobName).DownloadContentAsync(ct).ConfigureAwait(false);
            return content.Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidOperationException(
                $"Payload blob '{blobName}' in container '{Container.Name}' is missing; the row that references it " +
                "was written by a commit whose payload upload was later deleted (purge racing a reader?).", e);
        }
    }

    /// <summary>Deletes every payload blob of an instance (purge).</summary>
    public async Task DeleteInstanceAsync(string instanceId, CancellationToken ct)
    {
        var prefix = instanceId + "/";
        await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct).ConfigureAwait(false))
        {
            try
            {
                await Container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404) { }
        }
    }

    public static int Utf8Length(string value) => Encoding.UTF8.GetByteCount(value);
}
