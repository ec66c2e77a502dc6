using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// The headers of an outgoing message (Node's <c>kOutHeaders</c>): keyed by lower-cased name, each
/// remembering the casing it was last set with, in order of first setting (a JS object's key order).
/// </summary>
/// <remarks>
/// A struct held in its message's field (always by reference, never copied), so a message with headers allocates
/// nothing for the store until its second one.
/// </remarks>
internal struct OutgoingHeaders
{
    // Responses usually set one header or two: the first is a field of its own, the rest go to an array made at the
    // second (doubling past that).
    private Entry first;
    private Entry[]? rest;
    private int count;

    /// <summary>The number of distinct names.</summary>
    public readonly int Count => count;

    /// <summary>The entry at <paramref name="i"/>, in order of first setting.</summary>
    [UnscopedRef]
    public ref readonly Entry this[int i] => ref At(i);

    /// <summary>Node's <c>setHeader</c> storage: replaces the values, adopts the new casing, keeps the position.</summary>
    public void Set(string name, StringValues value)
    {
        int i = IndexOf(name);
        if (i >= 0)
        {
            At(i) = new Entry(name, value);
            return;
        }
        if (count > 0)
        {
            rest ??= new Entry[2];
            if (count - 1 == rest.Length)
            {
                Array.Resize(ref rest, rest.Length * 2);
            }
        }
        At(count++) = new Entry(name, value);
    }

    /// <summary>Node's <c>appendHeader</c> storage: adds values after any existing ones.</summary>
    public void Append(string name, StringValues value)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            Set(name, value);
        }
        else
        {
            ref Entry e = ref At(i);
            e = new Entry(e.Name, StringValues.Concat(e.Value, value));
        }
    }

    /// <summary>The values of <paramref name="name"/> (any case), or empty.</summary>
    public readonly StringValues Get(string name) =>
        IndexOf(name) is int i and >= 0 ? (i == 0 ? first : rest![i - 1]).Value : StringValues.Empty;

    /// <summary>Whether <paramref name="name"/> (any case) is set.</summary>
    public readonly bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>Removes <paramref name="name"/> (any case); true if it was set.</summary>
    public bool Remove(string name)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }
        for (int j = i; j < count - 1; j++)
        {
            At(j) = At(j + 1);
        }
        At(--count) = default;
        return true;
    }

    /// <summary>Forgets every header.</summary>
    public void Clear()
    {
        first = default;
        if (rest is not null)
        {
            Array.Clear(rest);
        }
        count = 0;
    }

    [UnscopedRef]
    private ref Entry At(int i) => ref i == 0 ? ref first : ref rest![i - 1];

    private readonly int IndexOf(string name)
    {
        for (int i = 0; i < count; i++)
        {
            if (string.Equals((i == 0 ? first : rest![i - 1]).Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>One header: the casing it was last set with and its values.</summary>
    internal readonly record struct Entry(string Name, StringValues Value);
}
