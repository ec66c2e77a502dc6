using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

public class OutgoingHeadersTests
{
    [Fact]
    public void SetKeepsPositionAndAdoptsLatestCasing()
    {
        var h = new OutgoingHeaders();
        h.Set("X-A", "1");
        h.Set("Content-Type", "text/plain");
        h.Set("x-a", "2");
        Assert.Equal(2, h.Count);
        Assert.Equal("x-a", h[0].Name);
        Assert.Equal("2", h[0].Value);
        Assert.Equal("Content-Type", h[1].Name);
    }

    [Fact]
    public void AppendAddsValuesAndKeepsCasing()
    {
        var h = new OutgoingHeaders();
        h.Set("Set-Cookie", "a=1");
        h.Append("set-cookie", new StringValues(["b=2", "c=3"]));
        Assert.Equal("Set-Cookie", h[0].Name);
        Assert.Equal(new StringValues(["a=1", "b=2", "c=3"]), h.Get("SET-COOKIE"));
    }

    [Fact]
    public void RemoveShiftsLaterEntries()
    {
        var h = new OutgoingHeaders();
        for (int i = 0; i < 20; i++)
        {
            h.Set("h" + i, "v");
        }
        Assert.True(h.Remove("H3"));
        Assert.False(h.Remove("h3"));
        Assert.Equal(19, h.Count);
        Assert.Equal("h4", h[3].Name);
        Assert.False(h.Has("h3"));
        Assert.Equal(StringValues.Empty, h.Get("h3"));
    }

    [Fact]
    public void HttpDateIsImfFixdate()
    {
        var when = new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", System.Text.Encoding.ASCII.GetString(HttpDate.For(when)));
        Assert.Equal(HttpDate.Length, HttpDate.Current.Length);
    }
}
