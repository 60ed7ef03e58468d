#!/usr/bin/env python3
"""A non-JVM agent on svcgate's TCP event-bus bridge (docs/api.md, "TCP bridge").

Sends one full heartbeat for node "py1" on svcgate.hb.rx, listens on
svcgate.events, and prints the answer to the send and the event it made.
Usage: bridge_client.py [HOST [PORT]]   (default 127.0.0.1 7000)

The bridge frames are Vert.x's: a 4-byte big-endian length, then a JSON object.
"""
import json
import socket
import struct
import sys
import time


def send(sock, frame):
    data = json.dumps(frame).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)


def recv(sock):
    (n,) = struct.unpack(">I", sock.recv(4, socket.MSG_WAITALL))
    return json.loads(sock.recv(n, socket.MSG_WAITALL))


host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 7000
sock = socket.create_connection((host, port))
send(sock, {"type": "register", "address": "svcgate.events"})
now = time.time()
# A full at a generation above any earlier run's, with data that changed, so it makes an event.
full = {"nodename": "py1", "kind": "full", "gen": {"py1": int(now * 1000)}, "data": {"frozen": 0, "updated": now}}
send(sock, {"type": "send", "address": "svcgate.hb.rx", "replyAddress": "r1", "body": full})
replied = seen = False
while not (replied and seen):
    m = recv(sock)
    if m.get("address") == "r1":  # the answer to our send: {"accepted", "id"} or an "err" frame
        print("reply:", m.get("body", m))
        replied = True
    elif m.get("address") == "svcgate.events" and m["body"]["nodename"] == "py1":
        print("event:", m["body"]["id"], m["body"]["kind"], json.dumps(m["body"]["data"]))
        seen = True
