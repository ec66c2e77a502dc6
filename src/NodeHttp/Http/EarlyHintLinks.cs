namespace NodeHttp;

/// <summary>
/// The shape Node requires of each <c>link</c> value given to <c>writeEarlyHints</c>: a <c>&lt;uri&gt;</c> followed by
/// zero or more <c>; param</c>, <c>; param=value</c> or <c>; param="value"</c> parts, with optional whitespace
/// around the semicolons (Node's <c>validateLinkHeaderFormat</c>).
/// </summary>
internal static class EarlyHintLinks
{
    private const string Reason = "must be an array or string of format \"</styles.css>; rel=preload; as=style\"";

    /// <summary>True when <paramref name="link"/> has the accepted shape.</summary>
    public static bool IsValid(string link)
    {
        int close = link.Length > 0 && link[0] == '<' ? link.IndexOf('>', 1) : -1;
        if (close < 0)
        {
            return false;
        }
        int i = close + 1;
        while (i < link.Length)
        {
            i = SkipWhitespace(link, i);
            if (i == link.Length || link[i] != ';')
            {
                return false;
            }
            i = SkipWhitespace(link, i + 1);
            // A parameter is a run without ';', '"' or whitespace ("rel=preload" is one run); a quoted value
            // follows a run that ends in '=' ("as=" then "\"style\"").
            int runStart = i;
            while (i < link.Length && IsParamChar(link[i]))
            {
                i++;
            }
            if (i == runStart)
            {
                return false;
            }
            if (i < link.Length && link[i] == '"')
            {
                if (i - runStart < 2 || link[i - 1] != '=')
                {
                    return false;
                }
                i++;
                while (i < link.Length && IsParamChar(link[i]))
                {
                    i++;
                }
                if (i == link.Length || link[i] != '"')
                {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /// <summary>Node's <c>ERR_INVALID_ARG_VALUE</c> for a rejected link, with its reason.</summary>
    public static NodeHttpException InvalidArgument(string? link) =>
        new("ERR_INVALID_ARG_VALUE", $"The argument 'hints' {Reason}. Received {(link is null ? "null" : "'" + link + "'")}")
        {
            Kind = ErrorKind.TypeError,
        };

    private static bool IsParamChar(char c) => c != ';' && c != '"' && !char.IsWhiteSpace(c);

    private static int SkipWhitespace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        return i;
    }
}
