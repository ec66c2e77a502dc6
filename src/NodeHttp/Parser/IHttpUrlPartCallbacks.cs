namespace NodeHttp;

/// <summary>
/// Extra callbacks for the parts of a request target (llhttp built with separate URL spans). The parser reports
/// parts only to a callbacks struct that also implements this interface; for any other struct the checks are
/// constants the JIT removes, so ordinary parsing pays nothing for them.
/// </summary>
/// <remarks>
/// The parser calls <see cref="OnUrlPart"/> through the interface, on a boxed copy of the callbacks struct:
/// state changed in it does not reach the caller's struct, so keep it in objects the struct refers to.
/// </remarks>
internal interface IHttpUrlPartCallbacks
{
    /// <summary>Bytes of one part of the target; a part cut by the end of an input arrives in several calls.</summary>
    /// <param name="part">Which part.</param>
    /// <param name="data">The bytes, valid only during the call.</param>
    /// <returns><see cref="HpeCode.Ok"/>, or an error that stops the parser.</returns>
    HpeCode OnUrlPart(HttpUrlPart part, ReadOnlySpan<byte> data);
}
