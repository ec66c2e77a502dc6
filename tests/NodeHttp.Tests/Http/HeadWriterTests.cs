using System.Text;

namespace NodeHttp.Tests.Http;

public class HeadWriterTests
{
    [Fact]
    public void WritesStatusLinesHeadersAndChunkFraming()
    {
        using var w = new HeadWriter(4);
        StatusLines.Write(w, 200, NodeHttp.Http.StatusCodes[200]);
        StatusLines.Write(w, 299, "Custom");
        StatusLines.Write(w, 404, "Gone Fishing");
        w.WriteHeader("X-Caf\u00e9", "\u00ff");
        w.WriteHeader("Content-Length"u8, "12"u8);
        w.WriteDecimal(1234567890123);
        w.WriteCrlf();
        w.WriteChunkHeader(0x1f);
        w.WriteChunkHeader(0);
        Assert.Equal(
            "HTTP/1.1 200 OK\r\nHTTP/1.1 299 Custom\r\nHTTP/1.1 404 Gone Fishing\r\nX-Caf\u00e9: \u00ff\r\nContent-Length: 12\r\n1234567890123\r\n1f\r\n0\r\n",
            Encoding.Latin1.GetString(w.Written));
        w.Clear();
        Assert.Equal(0, w.Length);
    }

    [Fact]
    public void GrowsPastItsFirstBuffer()
    {
        using var w = new HeadWriter(16);
        string big = new('a', 10_000);
        w.WriteHeader("X", big);
        Assert.Equal(10_000 + 5, w.Length);
        Assert.Equal("X: " + big + "\r\n", Encoding.ASCII.GetString(w.Written));
    }
}
