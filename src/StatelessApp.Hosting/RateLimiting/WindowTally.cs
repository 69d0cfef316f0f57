namespace StatelessApp.Hosting.RateLimiting;

/// <summary>
/// What one instance knows of the request counters, so that most requests are decided without a Redis round trip: per
/// counter key, the last total Redis returned (<c>known</c>: every instance's hits up to then) and the hits this instance
/// has sent since that are not answered yet (<c>pending</c>). A hit is decided from <c>known + pending + 1</c>: refused
/// once Redis has counted past the limit (counts only grow within a window), granted while at most the counter's
/// <see cref="TalliedCounter.LocalLimit"/> (before the counter's first answer, only while nothing is pending), else asked
/// of Redis. Decisions and reservations are taken under one lock, so
/// one client's concurrent requests at one instance are counted exactly; other instances' hits show in the next answer.
/// Bounded: at most <c>capacity</c> counters, the least recently used dropped first (a client rotating addresses cannot
/// grow it), and a counter is dropped once its window has ended (<see cref="TimeProvider"/>).
/// </summary>
internal sealed class WindowTally
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new(); // most recently used first
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private DateTimeOffset _nextSweep = DateTimeOffset.MaxValue;

    public WindowTally(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _time = time;
    }

    /// <summary>How many counters the tally holds now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The counter's total as last answered and its hits unanswered, or null if the tally does not hold it.</summary>
    public (long Known, int Pending)? Peek(string key)
    {
        lock (_gate)
        {
            Sweep(_time.GetUtcNow());
            return _entries.TryGetValue(key, out var node) ? (node.Value.Known, node.Value.Pending) : null;
        }
    }

    /// <summary>
    /// Decides one hit on <paramref name="counters"/>. Unless refused, the hit counts as pending on each of them and is
    /// sent by <paramref name="send"/>, under the lock: hits reach Redis in the order they were counted here, so a granted
    /// hit's total is the one it was granted on. The caller settles the <see cref="Ticket"/> exactly once
    /// (<see cref="Answered"/> or <see cref="Unanswered"/>) when the sent task ends.
    /// </summary>
    /// <returns>The decision, the sent hit (null if refused); for <see cref="TallyDecision.Refuse"/>, the index of the
    /// first counter over its limit.</returns>
    public (TallyDecision Decision, int Over, Ticket Ticket, Task<long[]>? Sent) Take(IReadOnlyList<TalliedCounter> counters, Func<Task<long[]>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(counters);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            var decision = TallyDecision.Grant;
            var entries = new Entry[counters.Count];
            for (var i = 0; i < counters.Count; i++)
            {
                var entry = entries[i] = Touch(counters[i]);
                if (entry.Known > counters[i].PermitLimit)
                {
                    return (TallyDecision.Refuse, i, default, null);
                }

                // Before the window's first answer the instance knows nothing of the other instances' hits: one hit is
                // granted blind, the next wait for Redis until an answer arrives (a burst at a new window cannot overshoot).
                if (entry.Known + entry.Pending + 1 > counters[i].LocalLimit || (!entry.HasAnswer && entry.Pending > 0))
                {
                    decision = TallyDecision.Ask;
                }
            }

            foreach (var entry in entries)
            {
                entry.Pending++;
            }

            // StackExchange.Redis queues the transaction before its first await: this returns as soon as it is queued.
            return (decision, -1, new Ticket(entries), send());
        }
    }

    /// <summary>Redis answered the hit: its totals (in the order of the counters) are what every instance has counted.</summary>
    public void Answered(Ticket ticket, IReadOnlyList<long> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        lock (_gate)
        {
            for (var i = 0; i < ticket.Entries.Length; i++)
            {
                // Answers of one connection come in order; Max keeps a late or reordered answer from lowering what is known.
                ticket.Entries[i].Known = Math.Max(ticket.Entries[i].Known, totals[i]);
                ticket.Entries[i].HasAnswer = true;
                ticket.Entries[i].Pending--;
            }
        }
    }

    /// <summary>Redis did not answer the hit: it no longer counts as pending (whether it reached Redis is unknown).</summary>
    public void Unanswered(Ticket ticket)
    {
        lock (_gate)
        {
            foreach (var entry in ticket.Entries)
            {
                entry.Pending--;
            }
        }
    }

    private Entry Touch(TalliedCounter counter)
    {
        if (_entries.TryGetValue(counter.Key, out var node))
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value;
        }

        if (_entries.Count >= _capacity && _recent.Last is { } oldest)
        {
            // A dropped counter's pending hits settle on the orphan; the counter starts again from 0 known, as on a new instance.
            _recent.RemoveLast();
            _entries.Remove(oldest.Value.Key);
        }

        node = _recent.AddFirst(new Entry(counter.Key, counter.End));
        _entries.Add(counter.Key, node);
        if (counter.End < _nextSweep)
        {
            _nextSweep = counter.End;
        }

        return node.Value;
    }

    /// <summary>Drops every counter whose window has ended; runs only when the earliest window end has passed.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = DateTimeOffset.MaxValue;
        for (var node = _recent.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.End <= now)
            {
                _recent.Remove(node);
                _entries.Remove(node.Value.Key);
            }
            else if (node.Value.End < _nextSweep)
            {
                _nextSweep = node.Value.End;
            }

            node = next;
        }
    }

    /// <summary>One hit's reservation on its counters, settled once.</summary>
    internal readonly struct Ticket
    {
        internal Ticket(Entry[] entries) => Entries = entries;

        internal Entry[] Entries { get; }
    }

    internal sealed class Entry(string key, DateTimeOffset end)
    {
        public string Key { get; } = key;

        public DateTimeOffset End { get; } = end;

        public long Known { get; set; }

        public int Pending { get; set; }

        /// <summary>Redis has answered a hit on this counter since the instance began tallying it.</summary>
        public bool HasAnswer { get; set; }
    }
}
