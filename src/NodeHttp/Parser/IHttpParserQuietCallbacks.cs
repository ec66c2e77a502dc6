namespace NodeHttp;

/// <summary>
/// Marks a callbacks struct whose completion callbacks that carry no data (<c>OnReset</c>, <c>OnMethodComplete</c>,
/// <c>OnUrlComplete</c>, <c>OnProtocolComplete</c>, <c>OnVersionComplete</c>, <c>OnStatusComplete</c>,
/// <c>OnHeaderFieldComplete</c> and the chunk ones) and whose method, protocol and version spans do nothing and
/// return <see cref="HpeCode.Ok"/>: the parser does not make those calls. For a struct the check is a constant the
/// JIT folds, so a struct without the marker gets every call as before.
/// </summary>
internal interface IHttpParserQuietCallbacks
{
}
