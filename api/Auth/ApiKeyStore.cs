using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Auth;

/// <summary>
/// The configured keys as SHA-256 digests. A presented key is hashed and compared with every stored digest in
/// constant time (no early exit), so neither the comparison nor the number of keys tried leaks through timing.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly (byte[] Digest, ApiKeyEntry Entry)[] _keys;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        _keys = options.Value.ApiKeys
            .Select(k => (Digest: DigestOf(k), Entry: k))
            .Where(k => k.Digest.Length == 32)
            .ToArray();
    }

    public ApiKeyEntry? Find(string presentedKey)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        ApiKeyEntry? match = null;
        foreach (var (digest, entry) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, digest)) match ??= entry;
        }
        return match;
    }

    private static byte[] DigestOf(ApiKeyEntry entry)
    {
        if (!string.IsNullOrEmpty(entry.KeyHash))
        {
            try { return Convert.FromHexString(entry.KeyHash.AsSpan(ApiKeyEntry.HashPrefix.Length)); }
            catch (FormatException) { return []; } // refused at start by AuthOptionsValidator
        }
        return string.IsNullOrEmpty(entry.Key) ? [] : SHA256.HashData(Encoding.UTF8.GetBytes(entry.Key));
    }
}
