using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

public class HeaderMapTests
{
    // The same lines sent to Node 20's server print:
    // {"host":"a","x-a":"1, 2","cookie":"a=1; b=2","set-cookie":["s1","s2"],"content-type":"t1","authorization":"a1","x-empty":", "}
    private static readonly (string Name, string Value)[] Lines =
    [
        ("Host", "a"), ("host", "b"), ("X-A", "1"), ("x-a", "2"), ("Cookie", "a=1"), ("cookie", "b=2"),
        ("Set-Cookie", "s1"), ("set-cookie", "s2"), ("Content-Type", "t1"), ("content-type", "t2"),
        ("Authorization", "a1"), ("authorization", "a2"), ("X-Empty", ""), ("x-empty", ""),
    ];

    [Fact]
    public void DuplicatesFollowNodesRules()
    {
        var map = Build(joinDuplicates: false);
        Assert.Equal(["host", "x-a", "cookie", "set-cookie", "content-type", "authorization", "x-empty"], map.Keys);
        Assert.Equal("a", map["host"]);
        Assert.Equal("1, 2", map["x-a"]);
        Assert.Equal("a=1; b=2", map["cookie"]);
        Assert.Equal(new StringValues(["s1", "s2"]), map["set-cookie"]);
        Assert.Equal("t1", map["content-type"]);
        Assert.Equal("a1", map["authorization"]);
        Assert.Equal(", ", map["x-empty"]);
    }

    [Fact]
    public void JoinDuplicateHeadersJoinsSingleValueHeaders()
    {
        var map = Build(joinDuplicates: true);
        Assert.Equal("a, b", map["host"]);
        Assert.Equal("a1, a2", map["authorization"]);
        Assert.Equal(new StringValues(["s1", "s2"]), map["set-cookie"]);
        Assert.Equal("a=1; b=2", map["cookie"]);
    }

    [Fact]
    public void SingleSetCookieIsStillAnArray()
    {
        var map = new HeaderMap();
        map.AddLine("set-cookie", "only", false);
        Assert.Single(map["set-cookie"]);
        Assert.Equal("only", map["set-cookie"][0]);
    }

    [Fact]
    public void LookupIsCaseInsensitiveAndAbsentIsEmpty()
    {
        var map = Build(joinDuplicates: false);
        Assert.Equal("a", map["HOST"]);
        Assert.True(map.ContainsKey("X-a"));
        Assert.Equal(StringValues.Empty, map["missing"]);
        Assert.False(map.TryGetValue("missing", out _));
    }

    [Fact]
    public void DistinctKeepsEveryValue()
    {
        var map = new HeaderMap();
        foreach (var (name, value) in Lines)
        {
            map.AddDistinct(name.ToLowerInvariant(), value);
        }
        Assert.Equal(new StringValues(["a", "b"]), map["host"]);
        Assert.Equal(new StringValues(["", ""]), map["x-empty"]);
    }

    [Fact]
    public void ManyHeadersStayOrderedAndFindable()
    {
        var map = new HeaderMap();
        for (int i = 0; i < 500; i++)
        {
            map.AddLine("x-h" + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture), false);
        }
        Assert.Equal(500, map.Count);
        Assert.Equal("x-h0", map.Keys.First());
        Assert.Equal("499", map["X-H499"]);
        map.Clear();
        Assert.Empty(map);
        Assert.Equal(StringValues.Empty, map["x-h1"]);
    }

    private static HeaderMap Build(bool joinDuplicates)
    {
        var map = new HeaderMap();
        foreach (var (name, value) in Lines)
        {
            map.AddLine(name.ToLowerInvariant(), value, joinDuplicates);
        }
        return map;
    }
}
