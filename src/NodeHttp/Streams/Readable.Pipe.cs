namespace NodeHttp;

// Readable.prototype.pipe / unpipe (Node 20).
public partial class Readable
{
    // One entry per pipe() call, so unpipe() can undo exactly its listeners.
    private List<(IWritable Dest, Action Cleanup)>? pipeCleanups;

    /// <summary>Node's <c>readable.pipe(destination[, { end }])</c>: writes every chunk to <paramref name="dest"/>,
    /// pauses while <c>dest.Write</c> returns false and resumes at its <c>'drain'</c>, and ends it at <c>'end'</c>
    /// when <paramref name="end"/> is true. Returns <paramref name="dest"/>.</summary>
    public IWritable Pipe(IWritable dest, bool end = true)
    {
        ArgumentNullException.ThrowIfNull(dest);
        ReadableState state = rs;

        if (state.PipeCount == 1 && !state.MultiAwaitDrain)
        {
            state.MultiAwaitDrain = true;
            state.AwaitDrainWriters = new HashSet<IWritable>(ReferenceEqualityComparer.Instance);
            if (state.AwaitDrainWriter is not null)
            {
                state.AwaitDrainWriters.Add(state.AwaitDrainWriter);
                state.AwaitDrainWriter = null;
            }
        }
        state.Pipes.Add(dest);

        Action? ondrain = null;
        bool cleanedUp = false;
        Action<object> ondata = null!;
        Action<Exception> onerror = null!;
        Action onclose = null!;
        Action onfinish = null!;

        void OnEnd() => dest.End();

        void Unpipe() => this.Unpipe(dest);

        Action endFn = end ? OnEnd : Unpipe;
        if (state.EndEmitted)
        {
            Loop.NextTick(static s => ((Action)s!)(), endFn);
        }
        else
        {
            Once(StreamEvents.End, endFn);
        }

        void Cleanup()
        {
            // The pipe is broken: drop every listener it added.
            dest.RemoveListener(StreamEvents.Close, onclose);
            dest.RemoveListener(StreamEvents.Finish, onfinish);
            if (ondrain is not null)
            {
                dest.RemoveListener(StreamEvents.Drain, ondrain);
            }
            dest.RemoveListener(StreamEvents.Error, onerror);
            RemoveListener(StreamEvents.End, endFn);
            RemoveListener(StreamEvents.Data, ondata);
            cleanedUp = true;

            // If we were waiting for this writer's 'drain', it will never come now: act as if it did.
            bool awaiting = state.MultiAwaitDrain || state.AwaitDrainWriter is not null;
            bool destNeedsDrain = dest is IStreamHost { WritableStateOrNull: { } dws } ? dws.NeedDrain : true;
            if (ondrain is not null && awaiting && destNeedsDrain)
            {
                ondrain();
            }
        }
        (pipeCleanups ??= new()).Add((dest, Cleanup));

        void PausePipe()
        {
            // An unpipe during dest.Write() must not leave the source paused for good.
            if (!cleanedUp)
            {
                if (state.Pipes.Count == 1 && ReferenceEquals(state.Pipes[0], dest))
                {
                    state.AwaitDrainWriter = dest;
                    state.MultiAwaitDrain = false;
                    state.AwaitDrainWriters = null;
                }
                else if (state.Pipes.Count > 1 && state.Pipes.Contains(dest))
                {
                    state.AwaitDrainWriters!.Add(dest);
                }
                Pause();
            }
            if (ondrain is null)
            {
                ondrain = () => PipeOnDrain(dest);
                dest.On(StreamEvents.Drain, ondrain);
            }
        }

        ondata = chunk =>
        {
            bool ret = chunk is string s ? dest.Write(s) : dest.Write((NodeBuffer)chunk);
            if (!ret)
            {
                PausePipe();
            }
        };
        On(StreamEvents.Data, ondata);

        // An error on the destination stops the pipe but is not swallowed.
        onerror = er =>
        {
            Unpipe();
            dest.RemoveListener(StreamEvents.Error, onerror);
            if (dest.ListenerCount(StreamEvents.Error) == 0)
            {
                if (dest is IStreamHost host && !((host.WritableStateOrNull?.ErrorEmitted ?? false) || (host.ReadableStateOrNull?.ErrorEmitted ?? false)))
                {
                    StreamDestroy.ErrorOrDestroy(host, er);
                }
                else
                {
                    dest.Emit(StreamEvents.Error, er);
                }
            }
        };
        // Our error handler goes before userland ones.
        dest.PrependListener(StreamEvents.Error, onerror);

        // 'close' and 'finish' both unpipe, once.
        onclose = () =>
        {
            dest.RemoveListener(StreamEvents.Finish, onfinish);
            Unpipe();
        };
        dest.Once(StreamEvents.Close, onclose);
        onfinish = () =>
        {
            dest.RemoveListener(StreamEvents.Close, onclose);
            Unpipe();
        };
        dest.Once(StreamEvents.Finish, onfinish);

        dest.Emit(StreamEvents.Pipe, this);

        // Start the flow unless the destination is already full.
        if (dest.WritableNeedDrain)
        {
            PausePipe();
        }
        else if (state.Flowing != true)
        {
            Resume();
        }
        return dest;
    }

    // pipeOnDrain
    private void PipeOnDrain(IWritable dest)
    {
        ReadableState state = rs;
        if (ReferenceEquals(state.AwaitDrainWriter, dest))
        {
            state.AwaitDrainWriter = null;
        }
        else if (state.MultiAwaitDrain)
        {
            state.AwaitDrainWriters!.Remove(dest);
        }
        if (state.AwaitDrainEmpty && ListenerCount(StreamEvents.Data) > 0)
        {
            Resume();
        }
    }

    /// <summary>Node's <c>readable.unpipe([destination])</c>: stop piping into <paramref name="dest"/> (all destinations
    /// when null); emits <c>'unpipe'</c> on each destination.</summary>
    public Readable Unpipe(IWritable? dest = null)
    {
        ReadableState state = rs;
        if (state.PipeCount == 0)
        {
            return this;
        }

        if (dest is null)
        {
            IWritable[] dests = state.Pipes.ToArray();
            state.Pipes.Clear();
            Pause();
            foreach (IWritable d in dests)
            {
                RunPipeCleanup(d);
                d.Emit(StreamEvents.Unpipe, this);
            }
            return this;
        }

        int index = state.Pipes.IndexOf(dest);
        if (index < 0)
        {
            return this;
        }
        state.Pipes.RemoveAt(index);
        if (state.Pipes.Count == 0)
        {
            Pause();
        }
        RunPipeCleanup(dest);
        dest.Emit(StreamEvents.Unpipe, this);
        return this;
    }

    // Node's onunpipe listener on the destination runs cleanup() once per pipe() call.
    private void RunPipeCleanup(IWritable dest)
    {
        if (pipeCleanups is null)
        {
            return;
        }
        for (int i = 0; i < pipeCleanups.Count; i++)
        {
            if (ReferenceEquals(pipeCleanups[i].Dest, dest))
            {
                Action cleanup = pipeCleanups[i].Cleanup;
                pipeCleanups.RemoveAt(i);
                cleanup();
                return;
            }
        }
    }
}
