using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>Writes values the way JavaScript's <c>JSON.stringify</c> does, so a C# twin's output can equal node's.</summary>
internal static class Js
{
    public static string Str(string? s)
    {
        if (s is null)
        {
            return "null";
        }
        var b = new StringBuilder(s.Length + 2);
        b.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                case '\b': b.Append("\\b"); break;
                case '\f': b.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }
                    break;
            }
        }
        return b.Append('"').ToString();
    }

    public static string Arr(IEnumerable<string?> items) => "[" + string.Join(",", items.Select(Str)) + "]";

    /// <summary>A header object as node prints it: <c>set-cookie</c> (or every name, with <paramref name="distinct"/>) as an array.</summary>
    public static string Headers(IEnumerable<KeyValuePair<string, StringValues>> headers, bool distinct = false) =>
        "{" + string.Join(",", headers.Select(kv => Str(kv.Key) + ":" + (distinct || kv.Key == "set-cookie"
            ? Arr(kv.Value.Select(v => v))
            : Str(kv.Value.ToString())))) + "}";

    /// <summary>An outgoing message's <c>getHeaders()</c>: a value set as several is an array.</summary>
    public static string Outgoing(IReadOnlyDictionary<string, StringValues> headers) =>
        "{" + string.Join(",", headers.Select(kv => Str(kv.Key) + ":" + (kv.Value.Count == 1 ? Str(kv.Value[0]) : Arr(kv.Value.Select(v => v))))) + "}";
}
