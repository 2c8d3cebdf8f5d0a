#!/usr/bin/env python3
"""Publish -> receive latency of one idle topic on a running Notify silo.

Usage: python3 tools/latency-probe.py [base_url] [samples]
One SSE subscriber (raw socket) and one publisher (keep-alive HTTP); events are published one at a
time at random intervals (50-250 ms) so their timing is unrelated to any timer in the server. The
latency is measured from just before the POST is sent to when the subscriber has the event, so it
includes the publish round trip. The first 10 events warm up the path and are not counted.
Superseded for load figures by Notify.Bench; this answers only "how late on an idle silo".
"""
import http.client, random, socket, sys, time, uuid
from urllib.parse import urlparse

url = urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5080")
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 100
topic = "probe-" + uuid.uuid4().hex[:12]

sub = socket.create_connection((url.hostname, url.port))
sub.sendall(f"GET /topics/{topic} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode())
received = b""
while b"retry:" not in received:
    received += sub.recv(65536)

pub = http.client.HTTPConnection(url.hostname, url.port)
latencies, round_trips = [], []
for i in range(samples + 10):
    time.sleep(random.uniform(0.05, 0.25))
    sent = time.perf_counter()
    pub.request("POST", f"/topics/{topic}", body=f"m{i}")
    pub.getresponse().read()
    acknowledged = time.perf_counter()
    marker = f"data: m{i}\n".encode()
    while marker not in received:
        received += sub.recv(65536)
    arrived = time.perf_counter()
    if i >= 10:
        latencies.append((arrived - sent) * 1000)
        round_trips.append((acknowledged - sent) * 1000)

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]

print(f"publish->receive ms: p50 {pct(latencies, .5):.2f}  p90 {pct(latencies, .9):.2f}  p99 {pct(latencies, .99):.2f}  max {max(latencies):.2f}"
      f"   publish round trip p50 {pct(round_trips, .5):.2f}  ({samples} events)")
