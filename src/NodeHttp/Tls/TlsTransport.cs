using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>
/// The transport of a <see cref="TlsSocket"/>: an <see cref="SslStream"/> over a <see cref="CiphertextStream"/> over
/// the inner <see cref="Socket"/>. Ciphertext arrives through the inner socket's data sink and is decrypted inline;
/// a gathered plaintext write becomes one SslStream write (as few records as the size allows) whose records go to
/// the inner socket's write. Every completion runs on the loop thread. Owned by the loop.
/// </summary>
internal sealed class TlsTransport : ISocketTransport, ISocketDataSink
{
    /// <summary>Plaintext read size: one TLS record's worth.</summary>
    private const int PlainBufferSize = 16 * 1024;

    internal static readonly RemoteCertificateValidationCallback ValidateCallback =
        static (sender, certificate, chain, errors) => ((TlsSslStream)sender).Transport.OnValidate(certificate, chain, errors);

    private static readonly ServerOptionsSelectionCallback SelectServerOptions =
        static (stream, hello, state, _) => ((TlsTransport)state!).OnClientHello(hello);

    /// <summary>
    /// Completions (handshake, read, write) that arrived on a thread other than the loop's and had to be queued onto
    /// it: zero in the design (the framework's TLS continues inline where its inner stream completes); a diagnostic.
    /// </summary>
    internal static long OffLoopCompletions;

    private readonly TlsSocket owner;
    private readonly Socket inner;
    private readonly TlsSocketOptions options;
    private readonly SecureContext context;
    private readonly CiphertextStream wire;
    private readonly TlsHelloObserver hello;
    private readonly TlsSslStream ssl;
    private readonly Action onReadDone;
    private readonly Action onHandshakeDone;
    private readonly Action onWriteDone;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter readAwaiter;
    private ConfiguredTaskAwaitable.ConfiguredTaskAwaiter handshakeAwaiter;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter writeAwaiter;
    private Task? handshake;
    private byte[]? plain;
    private byte[]? scratch;
    private bool wantRead;
    private bool readInFlight;
    private bool secure;
    // 'secure' was emitted: reads may deliver.
    private bool announced;
    private bool handshakeStarted;
    private bool eofReported;
    // The last read filled the plaintext buffer, so SslStream may hold more of that record's plaintext.
    private bool lastReadFull;
    // PumpReads is running (SslStream may be inside a read): a call from within it (ciphertext delivered while
    // SslStream's read waited and the inner socket read at once) only asks it to look again.
    private bool pumping;
    private bool pumpAgain;
    private LoopTimer? handshakeTimer;
    // The plaintext write SslStream is encrypting; once its records are written, it waits for them to leave.
    private Action<Exception?>? writeCallback;
    private bool writeInFlight;

    internal TlsTransport(TlsSocket owner, Socket inner, TlsSocketOptions options, SecureContext context)
    {
        this.owner = owner;
        this.inner = inner;
        this.options = options;
        this.context = context;
        wire = new CiphertextStream(inner, inner.ResumeReading, OnSendFailed, OnCiphertext);
        hello = new TlsHelloObserver(options.IsServer);
        wire.Hello = hello;
        ssl = new TlsSslStream(wire, this);
        onReadDone = OnReadDone;
        onHandshakeDone = OnHandshakeDone;
        onWriteDone = OnWriteDone;
        inner.DataSink = this;
        inner.On(StreamEvents.End, OnInnerEnd);
        inner.On<Exception>(NetEvents.Error, OnInnerError);
        inner.On(NetEvents.Close, OnInnerClose);
        inner.On(StreamEvents.Drain, OnInnerDrain);
    }

    /// <summary>
    /// Clears the loop's <see cref="SynchronizationContext"/> while this transport drives the SslStream: a Task the
    /// framework's TLS awaits with <c>ConfigureAwait(false)</c> runs its continuation inline only on a thread without
    /// a context, and would otherwise go to the thread pool (a hop, and the session's code off the loop thread).
    /// Returns the context to put back.
    /// </summary>
    private static SynchronizationContext? EnterInline()
    {
        SynchronizationContext? saved = SynchronizationContext.Current;
        if (saved is not null)
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
        return saved;
    }

    /// <summary>The stream, for the session's properties once secure.</summary>
    internal SslStream Ssl => ssl;

    internal bool Secure => secure;

    internal string? Servername { get; private set; }

    internal bool Authorized { get; private set; }

    internal string? AuthorizationError { get; private set; }

    internal X509Certificate2? PeerCertificate { get; private set; }

    /// <summary>The handshake resumed an earlier session (read from the hellos; see <see cref="TlsHelloObserver"/>).</summary>
    internal bool SessionReused { get; private set; }

    // The client's verdict on the server's certificate, applied when the handshake is done (Node's onConnectSecure).
    private NodeHttpException? verifyError;

    // The server's refusal of the client's certificate, reported as the handshake's failure.
    private NodeHttpException? refusal;

    /// <inheritdoc/>
    public OsSocket? Os => inner.Handle?.Os;

    /// <inheritdoc/>
    public bool Closed { get; private set; }

    /// <inheritdoc/>
    public long BytesRead { get; private set; }

    /// <inheritdoc/>
    public bool WritePending => writeCallback is not null || writeInFlight || wire.Waiting;

    /// <summary>Starts the handshake (the inner socket is connected): the client's first flight goes out now.</summary>
    internal void BeginHandshake()
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            BeginHandshakeCore();
            wire.SendRecords();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private void BeginHandshakeCore()
    {
        if (Closed || handshakeStarted)
        {
            return;
        }
        handshakeStarted = true;
        if (options.IsServer && options.HandshakeTimeout > 0)
        {
            handshakeTimer = owner.Loop.SetTimeout(static s => ((TlsTransport)s!).OnHandshakeTimeout(), this, options.HandshakeTimeout);
            handshakeTimer.Unref();
        }
        try
        {
            if (options.IsServer)
            {
                handshake = ssl.AuthenticateAsServerAsync(SelectServerOptions, this, CancellationToken.None);
            }
            else
            {
                handshake = ssl.AuthenticateAsClientAsync(ClientOptions(), CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            HandshakeFailed(TlsErrors.FromException(ex, handshake: true));
            return;
        }
        handshakeAwaiter = handshake.ConfigureAwait(false).GetAwaiter();
        if (handshakeAwaiter.IsCompleted)
        {
            OnHandshakeDone();
        }
        else
        {
            handshakeAwaiter.UnsafeOnCompleted(onHandshakeDone);
        }
    }

    private SslClientAuthenticationOptions ClientOptions()
    {
        string host = options is TlsConnectOptions c ? c.Host : "localhost";
        string? servername = options.Servername;
        if (string.IsNullOrEmpty(servername))
        {
            // Node sends no SNI for an IP address, and checks the certificate against the host then.
            servername = null;
        }
        Servername = servername ?? (IPAddress.TryParse(host, out _) ? null : host);
        return new SslClientAuthenticationOptions
        {
            TargetHost = servername ?? host,
            ClientCertificateContext = context.CertificateContext,
            EnabledSslProtocols = context.Protocols,
            CipherSuitesPolicy = context.CipherSuites,
            ApplicationProtocols = context.Alpn,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = context.NewChainPolicy(),
            RemoteCertificateValidationCallback = ValidateCallback,
            AllowRenegotiation = false,
            // The platform's client session cache (per target host and settings); off for an agent with maxCachedSessions 0.
            AllowTlsResume = options.AllowSessionResumption,
        };
    }

    private ValueTask<SslServerAuthenticationOptions> OnClientHello(SslClientHelloInfo hello)
    {
        Servername = string.IsNullOrEmpty(hello.ServerName) ? null : hello.ServerName;
        SslServerAuthenticationOptions defaults = context.ServerOptions(options.RequestCert);
        if (Servername is null || (options.SniCallback is null && options.SniCallbackAsync is null))
        {
            return new ValueTask<SslServerAuthenticationOptions>(defaults);
        }
        if (options.SniCallback is { } sni)
        {
            return new ValueTask<SslServerAuthenticationOptions>(WithCertificateOf(defaults, sni(Servername)));
        }
        // The asynchronous form: the handshake goes on from the loop thread once the callback's task is done.
        var done = new TaskCompletionSource<SslServerAuthenticationOptions>();
        Task<TlsOptions?> pending = options.SniCallbackAsync!(Servername);
        pending.ContinueWith(static (t, s) =>
        {
            var (transport, tcs, d) = ((TlsTransport, TaskCompletionSource<SslServerAuthenticationOptions>, SslServerAuthenticationOptions))s!;
            transport.owner.Loop.QueueIo(static st =>
            {
                var (tr, src, t2, dflt) = ((TlsTransport, TaskCompletionSource<SslServerAuthenticationOptions>, Task<TlsOptions?>, SslServerAuthenticationOptions))st!;
                // The handshake resumes inside this call, on the loop thread.
                SynchronizationContext? saved = EnterInline();
                try
                {
                    Resume(tr, src, t2, dflt);
                    tr.wire.SendRecords();
                }
                finally
                {
                    SynchronizationContext.SetSynchronizationContext(saved);
                }
            }, (transport, tcs, t, d));
        }, (this, done, defaults), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new ValueTask<SslServerAuthenticationOptions>(done.Task);

        static void Resume(TlsTransport tr, TaskCompletionSource<SslServerAuthenticationOptions> src, Task<TlsOptions?> t2, SslServerAuthenticationOptions dflt)
        {
            if (t2.IsCompletedSuccessfully)
            {
                try
                {
                    src.TrySetResult(tr.WithCertificateOf(dflt, t2.Result));
                }
                catch (Exception ex)
                {
                    src.TrySetException(ex);
                }
            }
            else
            {
                src.TrySetException(t2.Exception?.InnerException ?? new OperationCanceledException());
            }
        }
    }

    private SslServerAuthenticationOptions WithCertificateOf(SslServerAuthenticationOptions defaults, TlsOptions? chosen)
    {
        if (chosen is null)
        {
            return defaults;
        }
        SecureContext sniContext = SecureContext.For(chosen);
        if (sniContext.CertificateContext is null)
        {
            return defaults;
        }
        // Node's SNI context supplies the certificate; the server's settings stay.
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = sniContext.CertificateContext,
            EnabledSslProtocols = defaults.EnabledSslProtocols,
            CipherSuitesPolicy = defaults.CipherSuitesPolicy,
            ApplicationProtocols = defaults.ApplicationProtocols,
            ClientCertificateRequired = defaults.ClientCertificateRequired,
            CertificateRevocationCheckMode = defaults.CertificateRevocationCheckMode,
            CertificateChainPolicy = defaults.CertificateChainPolicy,
            RemoteCertificateValidationCallback = defaults.RemoteCertificateValidationCallback,
            AllowRenegotiation = false,
        };
    }

    private bool OnValidate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not null)
        {
            PeerCertificate = certificate as X509Certificate2 is { } c2
                ? X509CertificateLoader.LoadCertificate(c2.RawData)
                : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        }
        string? code = TlsErrors.VerifyCode(chain, errors & ~SslPolicyErrors.RemoteCertificateNameMismatch);
        if (options.IsServer)
        {
            Authorized = code is null && certificate is not null;
            AuthorizationError = code;
            // Node's server with requestCert + rejectUnauthorized fails the handshake of a client that does not verify.
            if (options.RequestCert && options.RejectUnauthorized && !Authorized)
            {
                refusal = certificate is null
                    ? new NodeHttpException("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", "peer did not return a certificate") { Reason = "peer did not return a certificate" }
                    : new NodeHttpException("ERR_SSL_CERTIFICATE_VERIFY_FAILED", "certificate verify failed: " + code) { Reason = "certificate verify failed" };
                return false;
            }
            return true;
        }
        if (code is not null)
        {
            verifyError = TlsErrors.Verify(code);
        }
        else if (PeerCertificate is not null)
        {
            string host = Servername ?? (options as TlsConnectOptions)?.Host ?? "localhost";
            if (options.CheckServerIdentity is { } check)
            {
                Exception? refused = check(host, PeerCertificate);
                if (refused is not null)
                {
                    verifyError = refused as NodeHttpException ?? new NodeHttpException("ERR_TLS_CERT_ALTNAME_INVALID", refused.Message, refused);
                }
            }
            else if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                verifyError = TlsErrors.AltNameInvalid(host, PeerCertificate);
            }
        }
        Authorized = verifyError is null;
        AuthorizationError = verifyError?.Code;
        // The client decides after the handshake, as Node does: the session is up, the socket then destroyed.
        return true;
    }

    private void OnHandshakeTimeout()
    {
        if (!secure && !Closed)
        {
            HandshakeFailed(ErrorCodes.Create("ERR_TLS_HANDSHAKE_TIMEOUT"));
        }
    }

    private void OnHandshakeDone()
    {
        if (!owner.Loop.IsOnLoop)
        {
            // Not expected (the transport completes everything on the loop), but never run the socket elsewhere.
            Debug.Fail("TLS handshake completed off the loop thread");
            Interlocked.Increment(ref OffLoopCompletions);
                        owner.Loop.QueueIo(static s => ((TlsTransport)s!).OnHandshakeDone(), this);
            return;
        }
        handshakeTimer?.Close();
        handshakeTimer = null;
        if (Closed)
        {
            return;
        }
        try
        {
            handshakeAwaiter.GetResult();
        }
        catch (Exception ex)
        {
            HandshakeFailed(refusal ?? TlsErrors.FromException(ex, handshake: true, wire.FirstBytes(new byte[8])));
            return;
        }
        if (!options.IsServer && verifyError is not null && options.RejectUnauthorized)
        {
            owner.Destroy(verifyError);
            return;
        }
        // The hellos are behind: the verdict on resumption is final and the records go by unread from now on.
        SessionReused = hello.Done && hello.Resumed;
        wire.Hello = null;
        secure = true;
        owner.OnSecure();
        // Reading starts only now: no 'data' before 'secure'/'secureConnection' (whose listeners may install a sink).
        announced = true;
        if (wantRead && !Closed)
        {
            PumpReads();
        }
    }

    private void HandshakeFailed(NodeHttpException error)
    {
        handshakeTimer?.Close();
        handshakeTimer = null;
        owner.OnHandshakeError(error);
    }

    /// <inheritdoc/>
    public void ReadStart()
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            ReadStartCore();
            wire.SendRecords();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private void ReadStartCore()
    {
        wantRead = true;
        if (announced && !readInFlight && !Closed)
        {
            PumpReads();
        }
    }

    /// <inheritdoc/>
    public void ReadStop() => wantRead = false;

    // Decrypts and delivers while the owner wants data and SslStream has it. When SslStream can have nothing (every
    // record it was given is decrypted and nothing else is here) no read is started: the next ciphertext calls back
    // (OnCiphertext) and the read it starts completes at once, so a request costs no read that waits, no suspended
    // state machine and no completion through it. A read that has to wait (a record cut across deliveries, the
    // handshake) completes from the inner socket's data callback.
    private void PumpReads()
    {
        if (pumping)
        {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try
        {
            do
            {
                pumpAgain = false;
                PumpReadsCore();
            }
            while (pumpAgain);
        }
        finally
        {
            pumping = false;
        }
    }

    private void PumpReadsCore()
    {
        plain ??= new byte[PlainBufferSize];
        while (wantRead && !Closed && !readInFlight && !eofReported)
        {
            if (!lastReadFull && wire.Drained)
            {
                wire.Idle();
                return;
            }
            ValueTask<int> read;
            try
            {
                read = ssl.ReadAsync(plain);
            }
            catch (Exception ex)
            {
                ReadFailed(ex);
                return;
            }
            readAwaiter = read.ConfigureAwait(false).GetAwaiter();
            if (!readAwaiter.IsCompleted)
            {
                readInFlight = true;
                readAwaiter.UnsafeOnCompleted(onReadDone);
                return;
            }
            if (!Delivered())
            {
                return;
            }
        }
    }

    private void OnReadDone()
    {
        if (!owner.Loop.IsOnLoop)
        {
            Debug.Fail("TLS read completed off the loop thread");
            Interlocked.Increment(ref OffLoopCompletions);
                        owner.Loop.QueueIo(static s => ((TlsTransport)s!).OnReadDone(), this);
            return;
        }
        readInFlight = false;
        if (Delivered())
        {
            PumpReads();
        }
    }

    // The read the awaiter holds is done: hands its plaintext (or EOF, or the error) to the owner. False: stop pumping.
    private bool Delivered()
    {
        int n;
        try
        {
            n = readAwaiter.GetResult();
        }
        catch (Exception ex)
        {
            ReadFailed(ex);
            return false;
        }
        if (Closed)
        {
            return false;
        }
        if (n == 0)
        {
            // The peer's close_notify, or the inner socket's EOF.
            eofReported = true;
            ((ISocketHandleOwner)owner).OnEof();
            return false;
        }
        BytesRead += n;
        lastReadFull = n == plain!.Length;
        if (!((ISocketHandleOwner)owner).OnData(plain.AsSpan(0, n)))
        {
            wantRead = false;
        }
        return true;
    }

    private void ReadFailed(Exception ex)
    {
        if (Closed)
        {
            return;
        }
        owner.Destroy(TlsErrors.FromException(ex, handshake: false));
    }

    /// <inheritdoc/>
    bool ISocketDataSink.OnSocketData(ReadOnlySpan<byte> data)
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            bool more = OnSocketDataCore(data);
            // What SslStream wrote meanwhile (a handshake flight, an alert) leaves in one send.
            wire.SendRecords();
            return more;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private bool OnSocketDataCore(ReadOnlySpan<byte> data)
    {
        if (Closed)
        {
            return false;
        }
        return wire.Deliver(data);
    }

    // Ciphertext (or EOF) arrived while no read waited: start one if the owner wants data (it completes at once).
    private void OnCiphertext()
    {
        if (announced && wantRead && !readInFlight && !Closed)
        {
            PumpReads();
        }
    }

    /// <summary>Ciphertext the inner socket had buffered in its readable side before this transport took it over.</summary>
    internal void TakeEarly(ReadOnlySpan<byte> data)
    {
        OnSocketDataCore(data);
        wire.SendRecords();
    }

    private void OnInnerEnd()
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            OnInnerEndCore();
            wire.SendRecords();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private void OnInnerEndCore()
    {
        if (!Closed)
        {
            wire.OnEof();
        }
    }

    private void OnInnerError(Exception error)
    {
        if (!Closed && !owner.Destroyed)
        {
            if (!secure)
            {
                HandshakeFailed(error as NodeHttpException ?? new NodeHttpException("ECONNRESET", error.Message, error));
            }
            else
            {
                owner.Destroy(error);
            }
        }
    }

    private void OnInnerClose()
    {
        if (!Closed && !owner.Destroyed)
        {
            if (!secure && handshakeStarted)
            {
                HandshakeFailed(TlsErrors.FromException(new IOException("The connection closed during the TLS handshake."), handshake: true));
            }
            else
            {
                owner.Destroy();
            }
        }
    }

    private void OnInnerDrain() => wire.OnInnerDrain();

    // A send nobody waited for (a handshake flight, an alert, close_notify) failed: the connection is broken.
    private void OnSendFailed(Exception error)
    {
        if (Closed || owner.Destroyed)
        {
            return;
        }
        if (!secure)
        {
            HandshakeFailed(error as NodeHttpException ?? new NodeHttpException("ECONNRESET", error.Message, error));
        }
        else
        {
            owner.Destroy(error);
        }
    }

    /// <inheritdoc/>
    public void Writev(List<ArraySegment<byte>> list, long total, Action<Exception?> callback)
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            WritevCore(list, total, callback);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private void WritevCore(List<ArraySegment<byte>> list, long total, Action<Exception?> callback)
    {
        if (Closed || !secure)
        {
            list.Clear();
            callback(ErrorCodes.Create("ERR_SOCKET_CLOSED"));
            return;
        }
        ReadOnlyMemory<byte> data;
        if (list.Count == 1)
        {
            data = list[0];
        }
        else
        {
            // One SslStream write for the turn's bytes: records filled up to their size rather than one per piece.
            if (scratch is null || scratch.Length < total)
            {
                if (scratch is not null)
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
                scratch = ArrayPool<byte>.Shared.Rent((int)total);
            }
            data = scratch.AsMemory(0, SegmentList.CopyTo(list, scratch));
        }
        list.Clear();
        wire.ResetFull();
        writeCallback = callback;
        writeInFlight = true;
        ValueTask write;
        try
        {
            write = ssl.WriteAsync(data);
        }
        catch (Exception ex)
        {
            write = ValueTask.FromException(ex);
        }
        writeAwaiter = write.ConfigureAwait(false).GetAwaiter();
        if (writeAwaiter.IsCompleted)
        {
            OnWriteDone();
        }
        else
        {
            writeAwaiter.UnsafeOnCompleted(onWriteDone);
        }
    }

    private void OnWriteDone()
    {
        if (!owner.Loop.IsOnLoop)
        {
            Debug.Fail("TLS write completed off the loop thread");
            Interlocked.Increment(ref OffLoopCompletions);
                        owner.Loop.QueueIo(static s => ((TlsTransport)s!).OnWriteDone(), this);
            return;
        }
        writeInFlight = false;
        Action<Exception?>? callback = writeCallback;
        writeCallback = null;
        if (callback is null)
        {
            return;
        }
        try
        {
            writeAwaiter.GetResult();
        }
        catch (Exception ex)
        {
            callback(Closed ? ErrorCodes.Create("ERR_SOCKET_CLOSED") : TlsErrors.FromException(ex, handshake: false));
            return;
        }
        // Done once the records left: at once when the kernel took them, else when the rest did (back-pressure).
        wire.SendRecords(callback);
    }

    /// <inheritdoc/>
    public SocketError Shutdown()
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            return ShutdownCore();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private SocketError ShutdownCore()
    {
        if (Closed || inner.Destroyed)
        {
            return SocketError.NotConnected;
        }
        Task close;
        try
        {
            close = ssl.ShutdownAsync();
        }
        catch (Exception)
        {
            wire.EndInner();
            return SocketError.Success;
        }
        if (close.IsCompleted)
        {
            // close_notify leaves, then the FIN.
            wire.SendRecords();
            wire.EndInner();
        }
        else
        {
            close.ContinueWith(static (_, s) =>
            {
                var t = (TlsTransport)s!;
                t.owner.Loop.Execute(static st =>
                {
                    var tr = (TlsTransport)st!;
                    tr.wire.SendRecords();
                    tr.wire.EndInner();
                }, t);
            }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return SocketError.Success;
    }

    /// <inheritdoc/>
    public void Close(bool reset = false)
    {
        SynchronizationContext? saved = EnterInline();
        try
        {
            CloseCore(reset);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(saved);
        }
    }

    private void CloseCore(bool reset)
    {
        if (Closed)
        {
            return;
        }
        Closed = true;
        wantRead = false;
        handshakeTimer?.Close();
        handshakeTimer = null;
        writeCallback = null;
        // Records already written go out if the kernel takes them now, as a plain socket's destroy sends its rest.
        wire.Abort(sendRest: !reset);
        try
        {
            ssl.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Tearing down a session that already failed.
        }
        if (inner.DataSink == this)
        {
            inner.DataSink = null;
        }
        if (scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            scratch = null;
        }
        if (reset)
        {
            inner.ResetAndDestroy();
        }
        else
        {
            inner.Destroy();
        }
    }
}
