#!/usr/bin/env python3
"""Counts HTTP requests arriving at a loopback port by the kernel's clock, not a server's.

The quota phase's witness beside the simulator (bench/quota-phase.ts). The simulator stamps a
call when its event loop gets to it, so a late loop bunches calls that arrived spread out. This
reads a packet socket on `lo` and takes each request's arrival time from the kernel's receive
timestamp (SO_TIMESTAMPNS): the time the segment reached the server's socket, however late this
process reads it. A classic BPF filter keeps only TCP segments to the port whose payload starts
with "POST ", so the reader sees a few thousand packets a second, not all the bench's traffic.

Usage: wire-arrivals.py PORT QUOTA [PATH_PART]. It prints "ready" on stderr once capturing, and
on SIGTERM or SIGINT one JSON line on stdout: arrivals (requests whose request line contains
PATH_PART), busiestSecond (most arrivals in any 1,000 ms), overQuota (arrivals that found the
last 1,000 ms already holding QUOTA, counted as the simulator counts them) and kernelDrops
(packets the socket lost: with any, the counts are not a witness). Needs CAP_NET_RAW.
With WIRE_ARRIVALS_DUMP=path it also writes the arrival times (ns, one per line) there.
"""
import ctypes
import json
import os
import signal
import socket
import struct
import sys

ETH_P_IP = 0x0800
SO_ATTACH_FILTER = 26
SO_TIMESTAMPNS = 35
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_HOST = 0  # the receiving side's copy (loopback shows each packet outgoing and incoming)
DROP = object()  # a BPF jump to the filter's last instruction, resolved in post_filter


def post_filter(port):
    """Classic BPF: IPv4, TCP, not a fragment, destination PORT, payload starting "POST"."""
    ops = [
        (0x28, 0, 0, 12),  # ldh [12]             ethertype
        (0x15, 0, DROP, ETH_P_IP),  # jeq IPv4
        (0x30, 0, 0, 23),  # ldb [23]             IP protocol
        (0x15, 0, DROP, 6),  # jeq TCP
        (0x28, 0, 0, 20),  # ldh [20]             flags + fragment offset
        (0x45, DROP, 0, 0x1FFF),  # jset fragment -> drop
        (0xB1, 0, 0, 14),  # ldxb 4*([14]&0xf)    X = IP header length
        (0x48, 0, 0, 16),  # ldh [x+16]           TCP destination port
        (0x15, 0, DROP, port),  # jeq port
        (0x50, 0, 0, 26),  # ldb [x+26]           TCP data offset (high nibble)
        (0x74, 0, 0, 2),  # rsh 2; with the and below: 4 * data offset
        (0x54, 0, 0, 0x3C),  # and 0x3c
        (0x0C, 0, 0, 0),  # add x                IP + TCP header length
        (0x07, 0, 0, 0),  # tax
        (0x40, 0, 0, 14),  # ld [x+14]            the payload's first four bytes
        (0x15, 0, DROP, 0x504F5354),  # jeq "POST"
        (0x06, 0, 0, 1024),  # ret 1024: enough for the request line
        (0x06, 0, 0, 0),  # ret 0: drop
    ]
    # A jump's offset counts from the next instruction; DROP stands for the last one's.
    last = len(ops) - 1
    resolved = [
        (code, *(last - pc - 1 if jump is DROP else jump for jump in (jt, jf)), k)
        for pc, (code, jt, jf, k) in enumerate(ops)
    ]
    code = b"".join(struct.pack("HBBI", *op) for op in resolved)

    buffer = ctypes.create_string_buffer(code)
    return struct.pack("HP", len(ops), ctypes.addressof(buffer)), buffer


def request_path(packet):
    ihl = (packet[14] & 0x0F) * 4
    data_offset = (packet[14 + ihl + 12] >> 4) * 4
    line = packet[14 + ihl + data_offset :].split(b"\r\n", 1)[0]
    return line.decode("latin1")


def without_flags(message):
    packet, ancillary, _flags, address = message
    return packet, ancillary, address


def sliding_second(times_ns, quota):
    """The simulator's SlidingSecond over kernel times: most in any 1,000 ms, and arrivals over."""
    busiest = 0
    over = 0
    head = 0
    for i, now in enumerate(times_ns):
        while times_ns[head] <= now - 1_000_000_000:
            head += 1
        in_window = i + 1 - head
        busiest = max(busiest, in_window)
        if quota > 0 and in_window > quota:
            over += 1
    return busiest, over


def main():
    port = int(sys.argv[1])
    quota = int(sys.argv[2])
    path_part = (sys.argv[3] if len(sys.argv) > 3 else "").lower()
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    program, keep_alive = post_filter(port)
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, program)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    # Room for many seconds of requests if this process is slow to read: the timestamps are the
    # kernel's, so reading late costs nothing as long as nothing is dropped.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024 * 1024)
    sock.bind(("lo", 0))
    # Counters since the filter went on; reading them resets them.
    sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    sock.settimeout(0.2)
    print("ready", file=sys.stderr, flush=True)
    times = []
    other = 0

    def take(packet, ancillary, address):
        nonlocal other
        if address[2] != PACKET_HOST:
            return
        stamp = next((data for level, kind, data in ancillary if kind == SO_TIMESTAMPNS), None)
        if stamp is None:
            return
        seconds, nanoseconds = struct.unpack("qq", stamp[:16])
        if path_part in request_path(packet).lower():
            times.append(seconds * 1_000_000_000 + nanoseconds)
        else:
            other += 1

    while not stopping:
        try:
            take(*without_flags(sock.recvmsg(1024, 64)))
        except (socket.timeout, InterruptedError):
            continue
    # Told to stop once the traffic is over: what the kernel queued and this process has not read
    # yet arrived before the stop, and counts.
    sock.setblocking(False)
    while True:
        try:
            take(*without_flags(sock.recvmsg(1024, 64)))
        except InterruptedError:
            continue
        except BlockingIOError:
            break
    drops = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
    del keep_alive
    times.sort()
    dump = os.environ.get("WIRE_ARRIVALS_DUMP")
    if dump:
        with open(dump, "w") as out:
            out.write("\n".join(str(t) for t in times))
    busiest, over = sliding_second(times, quota)
    print(
        json.dumps(
            {
                "arrivals": len(times),
                "otherRequests": other,
                "busiestSecond": busiest,
                "overQuota": over,
                "kernelDrops": drops,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
