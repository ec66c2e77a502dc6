using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

public class HttpModuleTests
{
    [Fact]
    public void MethodsAreNode20sListSorted()
    {
        // node -e "console.log(require('http').METHODS.join(','))"
        Assert.Equal(
            "ACL,BIND,CHECKOUT,CONNECT,COPY,DELETE,GET,HEAD,LINK,LOCK,M-SEARCH,MERGE,MKACTIVITY,MKCALENDAR,MKCOL,MOVE,NOTIFY,OPTIONS,PATCH,POST,PROPFIND,PROPPATCH,PURGE,PUT,QUERY,REBIND,REPORT,SEARCH,SOURCE,SUBSCRIBE,TRACE,UNBIND,UNLINK,UNLOCK,UNSUBSCRIBE",
            string.Join(',', NodeHttp.Http.Methods));
        Assert.Equal(NodeHttp.Http.Methods.Order(StringComparer.Ordinal), NodeHttp.Http.Methods);
    }

    [Theory]
    [InlineData(200, "OK")]
    [InlineData(404, "Not Found")]
    [InlineData(418, "I'm a Teapot")]
    [InlineData(431, "Request Header Fields Too Large")]
    [InlineData(509, "Bandwidth Limit Exceeded")]
    public void StatusCodesAreNodes(int code, string text) => Assert.Equal(text, NodeHttp.Http.StatusCodes[code]);

    [Fact]
    public void StatusCodesHaveNode20sSize() => Assert.Equal(63, NodeHttp.Http.StatusCodes.Count);

    [Fact]
    public void MaxHeaderSizeIs16K() => Assert.Equal(16384, NodeHttp.Http.MaxHeaderSize);

    [Theory]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("x:y")]
    [InlineData("é")]
    public void ValidateHeaderNameRejectsNonTokens(string name)
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.ValidateHeaderName(name));
        Assert.Equal("ERR_INVALID_HTTP_TOKEN", e.Code);
        Assert.Equal(ErrorKind.TypeError, e.Kind);
        Assert.Equal($"Header name must be a valid HTTP token [\"{name}\"]", e.Message);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\u007fb")]
    [InlineData("a\u0100b")]
    [InlineData("\0")]
    public void ValidateHeaderValueRejectsControlAndWideChars(string value)
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.ValidateHeaderValue("x", value));
        Assert.Equal("ERR_INVALID_CHAR", e.Code);
        Assert.Equal("Invalid character in header content [\"x\"]", e.Message);
    }

    [Theory]
    [InlineData("a\tb")]
    [InlineData("")]
    [InlineData("caf\u00e9 \u00ff")]
    public void ValidateHeaderValueAcceptsTabSpaceAndObsText(string value) => NodeHttp.Http.ValidateHeaderValue("x", value);

    [Fact]
    public void ValidateHeaderValueRejectsMissingValue()
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.ValidateHeaderValue("x", null!));
        Assert.Equal("ERR_HTTP_INVALID_HEADER_VALUE", e.Code);
        Assert.Equal("Invalid value \"undefined\" for header \"x\"", e.Message);
    }
}
