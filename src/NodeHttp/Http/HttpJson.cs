using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NodeHttp;

/// <summary>
/// JSON bodies over System.Text.Json, as <c>HttpRequest.ReadFromJsonAsync</c> and <c>HttpResponse.WriteAsJsonAsync</c> in
/// ASP.NET Core: read a request (server side) or a response (client side) as JSON, write a response or a request body
/// as JSON. The <see cref="JsonTypeInfo{T}"/> overloads (from a source-generated <c>JsonSerializerContext</c>) are
/// trimming- and NativeAOT-safe; the others use reflection.
/// </summary>
public static class HttpJson
{
    /// <summary>The <c>Content-Type</c> set by the writers when none is set: <c>application/json; charset=utf-8</c>.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the whole body (up to <see cref="Readable.DefaultMaxBodyBytes"/>) and deserializes it with
    /// <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="message">A request received by a server, or a response received by a client.</param>
    /// <param name="typeInfo">The type's metadata, from a source-generated context.</param>
    /// <param name="cancellationToken">Stops the read (see <see cref="Readable.ReadAllAsync(long, CancellationToken)"/>).</param>
    /// <returns>The value (null for a JSON <c>null</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="typeInfo"/> is null.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c>, or the body's read error.</exception>
    /// <exception cref="JsonException">(in the task) The body is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<T?> ReadFromJsonAsync<T>(this IncomingMessage message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        ReadFromJsonAsync(message, typeInfo, Readable.DefaultMaxBodyBytes, cancellationToken);

    /// <summary>Reads the whole body (up to <paramref name="maxBytes"/>) and deserializes it with <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="message">A request received by a server, or a response received by a client.</param>
    /// <param name="typeInfo">The type's metadata, from a source-generated context.</param>
    /// <param name="maxBytes">The most body bytes accepted.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The value (null for a JSON <c>null</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="typeInfo"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c>, or the body's read error.</exception>
    /// <exception cref="JsonException">(in the task) The body is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<T?> ReadFromJsonAsync<T>(this IncomingMessage message, JsonTypeInfo<T> typeInfo, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(typeInfo);
        NodeBuffer body = await message.ReadAllAsync(maxBytes, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(body.Span, typeInfo);
    }

    /// <summary>Reads the whole body (up to <see cref="Readable.DefaultMaxBodyBytes"/>) and deserializes it by reflection
    /// with the web defaults (camelCase names, case-insensitive).</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="message">A request received by a server, or a response received by a client.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The value (null for a JSON <c>null</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c>, or the body's read error.</exception>
    /// <exception cref="JsonException">(in the task) The body is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    public static Task<T?> ReadFromJsonAsync<T>(this IncomingMessage message, CancellationToken cancellationToken) =>
        ReadFromJsonAsync<T>(message, (JsonSerializerOptions?)null, Readable.DefaultMaxBodyBytes, cancellationToken);

    /// <summary>Reads the whole body (up to <paramref name="maxBytes"/>) and deserializes it by reflection.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="message">A request received by a server, or a response received by a client.</param>
    /// <param name="options">The serializer's options; null: the web defaults (camelCase names, case-insensitive).</param>
    /// <param name="maxBytes">The most body bytes accepted.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The value (null for a JSON <c>null</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c>, or the body's read error.</exception>
    /// <exception cref="JsonException">(in the task) The body is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    public static async Task<T?> ReadFromJsonAsync<T>(this IncomingMessage message, JsonSerializerOptions? options = null, long maxBytes = Readable.DefaultMaxBodyBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        NodeBuffer body = await message.ReadAllAsync(maxBytes, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<T>(body.Span, options ?? WebOptions);
    }

    /// <summary>
    /// Serializes <paramref name="value"/> with <paramref name="typeInfo"/> and writes it to the body, setting
    /// <see cref="JsonContentType"/> when no <c>Content-Type</c> is set and the head is not sent. Like ASP.NET Core's
    /// <c>WriteAsJsonAsync</c> it does not end the message: an async handler's response is ended when the handler
    /// returns; otherwise call <c>End</c>/<c>EndAsync</c>.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="message">A <see cref="ServerResponse"/> or a <see cref="ClientRequest"/>.</param>
    /// <param name="value">The value to write.</param>
    /// <param name="typeInfo">The type's metadata, from a source-generated context.</param>
    /// <param name="cancellationToken">See <see cref="WritableExtensions.extension(IWritable).WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</param>
    /// <returns>A task completing when the body accepted the bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="typeInfo"/> is null.</exception>
    /// <exception cref="JsonException"><paramref name="value"/> cannot be serialized.</exception>
    /// <exception cref="NodeHttpException">(in the task) The write failed (<c>ERR_STREAM_WRITE_AFTER_END</c>, …).</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task WriteAsJsonAsync<T>(this OutgoingMessage message, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return WriteJson(message, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), cancellationToken);
    }

    /// <summary>Serializes <paramref name="value"/> by reflection with the web defaults and writes it to the body (see
    /// <see cref="WriteAsJsonAsync{T}(OutgoingMessage, T, JsonTypeInfo{T}, CancellationToken)"/>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="message">A <see cref="ServerResponse"/> or a <see cref="ClientRequest"/>.</param>
    /// <param name="value">The value to write.</param>
    /// <param name="cancellationToken">See <see cref="WritableExtensions.extension(IWritable).WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</param>
    /// <returns>A task completing when the body accepted the bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="JsonException"><paramref name="value"/> cannot be serialized.</exception>
    /// <exception cref="NodeHttpException">(in the task) The write failed.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    public static Task WriteAsJsonAsync<T>(this OutgoingMessage message, T value, CancellationToken cancellationToken) =>
        WriteAsJsonAsync(message, value, (JsonSerializerOptions?)null, cancellationToken);

    /// <summary>Serializes <paramref name="value"/> by reflection and writes it to the body (see
    /// <see cref="WriteAsJsonAsync{T}(OutgoingMessage, T, JsonTypeInfo{T}, CancellationToken)"/>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="message">A <see cref="ServerResponse"/> or a <see cref="ClientRequest"/>.</param>
    /// <param name="value">The value to write.</param>
    /// <param name="options">The serializer's options; null: the web defaults (camelCase names).</param>
    /// <param name="cancellationToken">See <see cref="WritableExtensions.extension(IWritable).WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</param>
    /// <returns>A task completing when the body accepted the bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="JsonException"><paramref name="value"/> cannot be serialized.</exception>
    /// <exception cref="NodeHttpException">(in the task) The write failed.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo<T> overload for trimming and NativeAOT.")]
    public static Task WriteAsJsonAsync<T>(this OutgoingMessage message, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WriteJson(message, JsonSerializer.SerializeToUtf8Bytes(value, options ?? WebOptions), cancellationToken);
    }

    // The bytes are the serializer's own array: handed to the body as they are.
    private static Task WriteJson(OutgoingMessage message, byte[] json, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        NodeBuffer body = NodeBuffer.Wrap(json);
        EventLoop loop = message.Loop;
        if (loop.IsOnLoop)
        {
            return WriteOnLoop(message, body, cancellationToken);
        }
        return loop.InvokeAsync(() => WriteOnLoop(message, body, cancellationToken), cancellationToken);
    }

    private static Task WriteOnLoop(OutgoingMessage message, NodeBuffer body, CancellationToken cancellationToken)
    {
        if (!message.HeadersSent && !message.HasHeader("content-type"))
        {
            message.SetHeader("Content-Type", JsonContentType);
        }
        return WritableBridge.WriteOwnedAsync(message, message.Loop, body, cancellationToken);
    }
}
