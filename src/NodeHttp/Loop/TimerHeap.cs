namespace NodeHttp;

/// <summary>
/// A binary min-heap of armed timers keyed by (<see cref="LoopTimer.HeapDue"/>, <see cref="LoopTimer.Seq"/>):
/// earliest due time first, then creation (or re-arm) order, which is the order Node fires timers in.
/// Each timer sits in the heap at most once and knows its slot, so removal on <c>Close</c> is O(log n)
/// and closed timers never linger. Loop thread only.
/// </summary>
internal sealed class TimerHeap
{
    private LoopTimer[] items = new LoopTimer[16];

    public int Count { get; private set; }

    public LoopTimer Peek() => items[0];

    public void Insert(LoopTimer timer)
    {
        if (Count == items.Length)
        {
            Array.Resize(ref items, Count * 2);
        }
        int i = Count++;
        items[i] = timer;
        timer.HeapIndex = i;
        SiftUp(i);
    }

    public LoopTimer Pop()
    {
        LoopTimer top = items[0];
        RemoveAt(0);
        return top;
    }

    public void Remove(LoopTimer timer)
    {
        int i = timer.HeapIndex;
        if (i >= 0 && i < Count && ReferenceEquals(items[i], timer))
        {
            RemoveAt(i);
        }
    }

    private void RemoveAt(int i)
    {
        LoopTimer removed = items[i];
        removed.HeapIndex = -1;
        int last = --Count;
        if (i != last)
        {
            items[i] = items[last];
            items[i].HeapIndex = i;
            items[last] = null!;
            // The moved item may belong above or below its new slot.
            if (!SiftUp(i))
            {
                SiftDown(i);
            }
        }
        else
        {
            items[last] = null!;
        }
    }

    private static bool Less(LoopTimer a, LoopTimer b) =>
        a.HeapDue < b.HeapDue || (a.HeapDue == b.HeapDue && a.Seq < b.Seq);

    private bool SiftUp(int i)
    {
        int start = i;
        LoopTimer item = items[i];
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(item, items[parent]))
            {
                break;
            }
            items[i] = items[parent];
            items[i].HeapIndex = i;
            i = parent;
        }
        items[i] = item;
        item.HeapIndex = i;
        return i != start;
    }

    private void SiftDown(int i)
    {
        LoopTimer item = items[i];
        int n = Count;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }
            if (child + 1 < n && Less(items[child + 1], items[child]))
            {
                child++;
            }
            if (!Less(items[child], item))
            {
                break;
            }
            items[i] = items[child];
            items[i].HeapIndex = i;
            i = child;
        }
        items[i] = item;
        item.HeapIndex = i;
    }
}
