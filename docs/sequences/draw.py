#!/usr/bin/python3
"""Draws docs/latency.md's sequence diagrams (SVG, no dependency): a request served in region B while the primaries are
in region A, each message placed at the time the configured distance makes it arrive (a-b 20 ms each way, a-w and b-w
15 ms, 0 ms within a site; one millisecond drawn for a local hop). The round trips are read from the code and match
bench/run --distance's counts; the times are what the distance alone costs, not a measurement.

Usage: docs/sequences/draw.py   (writes docs/sequences/*.svg next to itself)
"""
import os

SITE = {"client": None, "proxy-b": "b", "app-b1": "b", "pg-b": "b", "redis-b": "b",
        "redis-a": "a", "pg-a": "a", "redis-w": "w"}
ONE_WAY = {frozenset("ab"): 20, frozenset("aw"): 15, frozenset("bw"): 15}
LOCAL = 1


def delay(sender, receiver):
    a, b = SITE[sender], SITE[receiver]
    return LOCAL if a is None or b is None or a == b else ONE_WAY[frozenset(a + b)]


class Sequence:
    def __init__(self, title, lanes):
        self.title, self.lanes, self.messages, self.now = title, lanes, [], 0

    def send(self, sender, receiver, label, at=None):
        start = self.now if at is None else at
        end = start + delay(sender, receiver)
        self.messages.append((sender, receiver, label, start, end))
        return end

    def call(self, caller, server, request, reply="", at=None):
        """A round trip: the request, and the reply when it arrives; the caller waits for it."""
        arrived = self.send(caller, server, request, at)
        self.now = self.send(server, caller, reply, arrived)
        return self.now

    def svg(self):
        scale, top, lane_width, left = 2.2, 92, 118, 20
        height = top + self.now * scale + 60
        width = left * 2 + lane_width * len(self.lanes)
        x = {lane: left + lane_width * (i + 0.5) for i, lane in enumerate(self.lanes)}
        colour = {"a": "#2b6cb0", "b": "#2f855a", "w": "#805ad5", None: "#4a5568"}
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" font-size="11">',
               '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="3" orient="auto">'
               '<path d="M0,0 L7,3 L0,6 z" fill="#333"/></marker></defs>',
               f'<rect width="100%" height="100%" fill="white"/><text x="{left}" y="22" font-size="14" font-weight="bold">{self.title}</text>']
        for lane in self.lanes:
            site = SITE[lane]
            out.append(f'<text x="{x[lane]:.0f}" y="{top - 34}" text-anchor="middle" fill="{colour[site]}" font-weight="bold">{lane}</text>')
            out.append(f'<text x="{x[lane]:.0f}" y="{top - 22}" text-anchor="middle" fill="{colour[site]}">{"site " + site if site else "no site"}</text>')
            out.append(f'<line x1="{x[lane]:.0f}" y1="{top}" x2="{x[lane]:.0f}" y2="{height - 40:.0f}" stroke="#bbb" stroke-dasharray="4 3"/>')
        for ms in range(0, self.now + 1, 20):
            out.append(f'<text x="4" y="{top + ms * scale + 4:.0f}" fill="#999" font-size="9">{ms}</text>')
        for sender, receiver, label, start, end in self.messages:
            y1, y2 = top + start * scale, top + end * scale
            out.append(f'<line x1="{x[sender]:.0f}" y1="{y1:.1f}" x2="{x[receiver]:.0f}" y2="{y2:.1f}" stroke="#333" marker-end="url(#arrow)"/>')
            if label:
                anchor_x = (x[sender] + x[receiver]) / 2
                out.append(f'<text x="{anchor_x:.0f}" y="{(y1 + y2) / 2 - 3:.1f}" text-anchor="middle" fill="#222">{label}</text>')
        out.append(f'<text x="{left}" y="{height - 14:.0f}" fill="#444">answer after {self.now} ms of distance (ms on the left); a-b 20 ms each way, a-w and b-w 15 ms</text>')
        out.append('</svg>')
        return "\n".join(out)


def save_with_wait(s, label, stream_label=""):
    """A session save and its WAIT, sent together: answered when both replicas have acknowledged the write."""
    sent = s.send("app-b1", "redis-a", label)
    acks = [s.send(replica, "redis-a", "ACK", s.send("redis-a", replica, stream_label, sent)) for replica in ("redis-w", "redis-b")]
    s.now = s.send("redis-a", "app-b1", "WAIT: 2", max(acks))


def unawaited(s, caller, server, request, reply=""):
    """A round trip the request does not wait for (the rate limits' transaction): drawn, but the caller goes on."""
    s.send(server, caller, reply, s.send(caller, server, request))


def local_reads(s):
    """What every shopper request does first, none of it across the sites: the rate limits decided from the
    instance's tally (their transaction answered in the background), the shopper stamp and the session (its version
    in the cookie) read from region B's own replica."""
    unawaited(s, "app-b1", "redis-a", "rate limits (not awaited)")
    s.call("app-b1", "redis-b", "GET stamp")
    s.call("app-b1", "redis-b", "GET+PTTL session")


def cart_change():
    s = Sequence("A cart change served in region B, primaries in A (issue 15, part 2)",
                 ["client", "proxy-b", "app-b1", "pg-b", "redis-b", "redis-w", "redis-a"])
    s.now = s.send("client", "proxy-b", "POST /api/cart/items")
    s.now = s.send("proxy-b", "app-b1", "")
    local_reads(s)
    s.call("app-b1", "pg-b", "SELECT product")
    save_with_wait(s, "SET session, WAIT 2", "stream")
    s.now = s.send("app-b1", "proxy-b", "")
    s.now = s.send("proxy-b", "client", "200")
    return s


def checkout():
    s = Sequence("A checkout served in region B, primaries in A (issue 15, part 2)",
                 ["client", "proxy-b", "app-b1", "pg-b", "redis-b", "redis-w", "redis-a", "pg-a"])
    s.now = s.send("client", "proxy-b", "POST /api/checkout")
    s.now = s.send("proxy-b", "app-b1", "")
    local_reads(s)
    # Lock, place, read back; the Sync commits; then the commit position and the standbys' first snapshot.
    committed = s.call("app-b1", "pg-a", "batch: place order; Sync; position, standbys")
    # The commit streams to the standby while its answer travels back to the app; B's own standby is then asked whether
    # it has flushed it on the committing primary's timeline (OwnRegionStandbys): no crossing.
    streamed = s.send("pg-a", "pg-b", "WAL", committed - delay("pg-a", "app-b1"))
    while True:
        asked = s.send("app-b1", "pg-b", "flushed? (receiver)")
        s.now = s.send("pg-b", "app-b1", "", asked)
        if asked >= streamed:
            break
    save_with_wait(s, "SET empty cart, WAIT 2")
    s.now = s.send("app-b1", "proxy-b", "")
    s.now = s.send("proxy-b", "client", "201 order")
    return s


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for name, sequence in [("cart-change-in-b", cart_change()), ("checkout-in-b", checkout())]:
        with open(os.path.join(here, name + ".svg"), "w", encoding="utf-8") as file:
            file.write(sequence.svg() + "\n")
        print(f"{name}: answer after {sequence.now} ms of distance")
