using System.Runtime.CompilerServices;
using System.Text;

namespace NodeHttp;

/// <summary>
/// Turns received header names, values and request targets into strings, reusing the string made last time for
/// the same bytes (per thread, a small direct-mapped table). Clients repeat themselves — the same <c>Host</c>, the
/// same <c>User-Agent</c>, the same path — so the steady state of a keep-alive connection makes no new strings.
/// Bytes are read as latin1, as Node reads header bytes.
/// </summary>
internal static class HeaderStringCache
{
    private const int Slots = 1024;

    // Longer strings rarely repeat byte for byte and would make the comparison cost more than it saves.
    private const int MaxCachedLength = 128;

    [ThreadStatic]
    private static string?[]? table;

    /// <summary>The latin1 string for <paramref name="bytes"/>, shared with earlier calls for the same bytes.</summary>
    public static string Get(ReadOnlySpan<byte> bytes) => Get(ThreadTable, bytes);

    /// <summary>
    /// This thread's table, for a caller that stays on the thread (a connection's parser runs on its loop's thread
    /// only) and keeps it, so each lookup does not read a thread-static.
    /// </summary>
    public static string?[] ThreadTable => table ??= new string?[Slots];

    /// <summary><see cref="Get(ReadOnlySpan{byte})"/> with a table from <see cref="ThreadTable"/> of the calling thread.</summary>
    public static string Get(string?[] t, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return string.Empty;
        }
        if (bytes.Length > MaxCachedLength)
        {
            return Encoding.Latin1.GetString(bytes);
        }
        int slot = Hash(bytes) & (Slots - 1);
        string? s = t[slot];
        if (s is not null && Matches(s, bytes))
        {
            return s;
        }
        s = Encoding.Latin1.GetString(bytes);
        t[slot] = s;
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        // Length, both ends and the middle: cheap, and enough to spread typical header names and values.
        uint h = (uint)bytes.Length * 0x9E3779B1u;
        h ^= bytes[0] * 31u + bytes[^1];
        h = (h * 0x85EBCA6Bu) ^ bytes[bytes.Length >> 1];
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        return (int)(h ^ (h >> 16));
    }

    private static bool Matches(string s, ReadOnlySpan<byte> bytes)
    {
        if (s.Length != bytes.Length)
        {
            return false;
        }
        for (int i = 0; i < bytes.Length; i++)
        {
            if (s[i] != bytes[i])
            {
                return false;
            }
        }
        return true;
    }
}
