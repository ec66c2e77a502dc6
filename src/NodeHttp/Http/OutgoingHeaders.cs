using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// The headers of an outgoing message (Node's <c>kOutHeaders</c>): keyed by lower-cased name, each
/// remembering the casing it was last set with, in order of first setting (a JS object's key order).
/// </summary>
internal sealed class OutgoingHeaders
{
    // Responses usually set one or two headers; the array doubles past that.
    private Entry[] entries = new Entry[2];
    private int count;

    /// <summary>The number of distinct names.</summary>
    public int Count => count;

    /// <summary>The entry at <paramref name="i"/>, in order of first setting.</summary>
    public ref readonly Entry this[int i] => ref entries[i];

    /// <summary>Node's <c>setHeader</c> storage: replaces the values, adopts the new casing, keeps the position.</summary>
    public void Set(string name, StringValues value)
    {
        int i = IndexOf(name);
        if (i >= 0)
        {
            entries[i] = new Entry(name, value);
            return;
        }
        if (count == entries.Length)
        {
            Array.Resize(ref entries, count * 2);
        }
        entries[count++] = new Entry(name, value);
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
            entries[i] = new Entry(entries[i].Name, StringValues.Concat(entries[i].Value, value));
        }
    }

    /// <summary>The values of <paramref name="name"/> (any case), or empty.</summary>
    public StringValues Get(string name) => IndexOf(name) is int i and >= 0 ? entries[i].Value : StringValues.Empty;

    /// <summary>Whether <paramref name="name"/> (any case) is set.</summary>
    public bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>Removes <paramref name="name"/> (any case); true if it was set.</summary>
    public bool Remove(string name)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }
        Array.Copy(entries, i + 1, entries, i, count - i - 1);
        entries[--count] = default;
        return true;
    }

    /// <summary>Forgets every header.</summary>
    public void Clear()
    {
        Array.Clear(entries, 0, count);
        count = 0;
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < count; i++)
        {
            if (string.Equals(entries[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>One header: the casing it was last set with and its values.</summary>
    internal readonly record struct Entry(string Name, StringValues Value);
}
