using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Durable.Execution;

/// <summary>Name-based UUID (RFC 4122 version 5, SHA-1), the same for the same name on every replay.</summary>
internal static class DeterministicGuid
{
    // Namespace of orchestration Guids (fixed, arbitrary).
    private static readonly byte[] Namespace = new Guid("9e952958-5e33-4daf-827f-2fa12937b875").ToByteArray(bigEndian: true);

    public static Guid Create(string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[Namespace.Length + nameBytes.Length];
        Namespace.CopyTo(input, 0);
        nameBytes.CopyTo(input, Namespace.Length);
        var hash = SHA1.HashData(input);
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
