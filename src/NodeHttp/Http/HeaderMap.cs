using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// Node's <c>message.headers</c> (and <c>headersDistinct</c>, <c>trailers</c>): header names lower-cased,
/// in order of first appearance, looked up case-insensitively; an absent name reads as
/// <see cref="StringValues.Empty"/>. Duplicate lines are combined by Node's rules (see
/// <see cref="HeaderDuplicates"/>).
/// </summary>
public sealed class HeaderMap : IReadOnlyDictionary<string, StringValues>
{
    // Linear search beats hashing for the handful of headers a request usually has; past this
    // many, an index is built so a header flood stays O(1) per line.
    private const int IndexThreshold = 12;

    private string[] keys;
    private StringValues[] values;
    private int count;
    private Dictionary<string, int>? index;

    /// <summary>Creates an empty map.</summary>
    public HeaderMap()
    {
        keys = [];
        values = [];
    }

    internal HeaderMap(int capacity)
    {
        keys = capacity == 0 ? [] : new string[capacity];
        values = capacity == 0 ? [] : new StringValues[capacity];
    }

    /// <summary>The number of distinct header names.</summary>
    public int Count => count;

    /// <summary>The values of <paramref name="name"/> (any case), or <see cref="StringValues.Empty"/> when absent.</summary>
    public StringValues this[string name] => IndexOf(name) is int i and >= 0 ? values[i] : StringValues.Empty;

    /// <summary>The lower-cased names, in order of first appearance.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            for (int i = 0; i < count; i++)
            {
                yield return keys[i];
            }
        }
    }

    /// <summary>The values, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<StringValues> Values
    {
        get
        {
            for (int i = 0; i < count; i++)
            {
                yield return values[i];
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> (any case) is present.</summary>
    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    /// <summary>Looks up <paramref name="name"/> (any case).</summary>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out StringValues value)
    {
        int i = IndexOf(name);
        value = i >= 0 ? values[i] : StringValues.Empty;
        return i >= 0;
    }

    /// <summary>Enumerates name/value pairs in order of first appearance, without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, StringValues>> IEnumerable<KeyValuePair<string, StringValues>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds one received header line by Node's rules (<c>IncomingMessage._addHeaderLine</c>).</summary>
    /// <param name="lowerName">The name, already lower-cased.</param>
    /// <param name="value">The value as received.</param>
    /// <param name="joinDuplicateHeaders">Node's <c>joinDuplicateHeaders</c>: join values of headers that would otherwise keep only the first.</param>
    internal void AddLine(string lowerName, string value, bool joinDuplicateHeaders)
    {
        int i = IndexOf(lowerName);
        if (i < 0)
        {
            Append(lowerName, lowerName == "set-cookie" ? new StringValues([value]) : new StringValues(value));
            return;
        }
        switch (HeaderDuplicates.RuleFor(lowerName))
        {
            case DuplicateRule.Array:
                values[i] = StringValues.Concat(values[i], value);
                break;
            case DuplicateRule.JoinSemicolon:
                values[i] = new StringValues(values[i].ToString() + "; " + value);
                break;
            case DuplicateRule.JoinComma:
                values[i] = new StringValues(values[i].ToString() + ", " + value);
                break;
            case DuplicateRule.KeepFirst when joinDuplicateHeaders:
                values[i] = new StringValues(values[i].ToString() + ", " + value);
                break;
            default:
                break; // Node drops duplicates of single-value headers.
        }
    }

    /// <summary>Adds a value keeping every occurrence (Node's <c>headersDistinct</c>).</summary>
    internal void AddDistinct(string lowerName, string value)
    {
        int i = IndexOf(lowerName);
        if (i < 0)
        {
            Append(lowerName, new StringValues([value]));
        }
        else
        {
            values[i] = StringValues.Concat(values[i], value);
        }
    }

    /// <summary>Empties the map, keeping its storage for the next message.</summary>
    internal void Clear()
    {
        Array.Clear(keys, 0, count);
        Array.Clear(values, 0, count);
        count = 0;
        index?.Clear();
        index = null;
    }

    private void Append(string lowerName, StringValues value)
    {
        if (count == keys.Length)
        {
            int size = Math.Max(8, count * 2);
            Array.Resize(ref keys, size);
            Array.Resize(ref values, size);
        }
        keys[count] = lowerName;
        values[count] = value;
        if (index is not null)
        {
            index[lowerName] = count;
        }
        else if (count + 1 > IndexThreshold)
        {
            index = new Dictionary<string, int>(count * 2, StringComparer.OrdinalIgnoreCase);
            for (int k = 0; k <= count; k++)
            {
                index[keys[k]] = k;
            }
        }
        count++;
    }

    private int IndexOf(string name)
    {
        if (index is not null)
        {
            return index.TryGetValue(name, out int found) ? found : -1;
        }
        for (int i = 0; i < count; i++)
        {
            if (string.Equals(keys[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A non-allocating enumerator over a <see cref="HeaderMap"/>.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, StringValues>>
    {
        private readonly HeaderMap map;
        private int position;

        internal Enumerator(HeaderMap map)
        {
            this.map = map;
            position = -1;
        }

        /// <inheritdoc/>
        public readonly KeyValuePair<string, StringValues> Current => new(map.keys[position], map.values[position]);

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext() => ++position < map.count;

        /// <inheritdoc/>
        public void Reset() => position = -1;

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
